"""Generates large valid architecture-beta diagrams for benchmarks and scale tests.

``generate(n)``: n services in about n/20 groups (some nested), n/50 junctions,
a chain of edges plus seeded random extras up to ~1.5 edges per service, titles
(quoted and unquoted), arrows, ``{group}`` only across groups, no repeated pair.
The same n always gives the same text.
"""

from __future__ import annotations

import random

ICONS = (
    "server",
    "database",
    "disk",
    "cloud",
    "internet",
    "logos:aws-lambda",
    "logos:aws-s3",
    "logos:aws-dynamodb",
    "logos:aws-sqs",
    "logos:aws-sns",
)
SIDE_PAIRS = (("R", "L"), ("B", "T"), ("R", "T"), ("B", "L"), ("L", "R"), ("T", "B"))


def generate(services: int, seed: int = 7) -> str:
    rng = random.Random(seed * 1_000_003 + services)
    group_count = max(1, services // 20)
    lines = ["architecture-beta", "    title Generated diagram", ""]
    for g in range(group_count):
        parent = f" in grp{g // 4}" if g >= 4 and g % 4 == 0 else ""
        lines.append(f"    group grp{g}(cloud)[Group {g}]{parent}")
    lines.append("")
    group_of: list[int] = []
    for s in range(services):
        group = s * group_count // services
        group_of.append(group)
        title = f'["svc {s} (v2)"]' if s % 7 == 0 else f"[Service {s}]"
        lines.append(f"    service svc{s}({ICONS[s % len(ICONS)]}){title} in grp{group}")
    for j in range(services // 50):
        lines.append(f"    junction jn{j} in grp{group_of[j * 50]}")
    lines.append("")
    pairs: set[tuple[int, int]] = set()
    target = services * 3 // 2
    candidates = [(s, s + 1) for s in range(services - 1)]
    while len(candidates) < target * 2 and services > 1:
        a, b = rng.randrange(services), rng.randrange(services)
        if a != b:
            candidates.append((a, b))
    for a, b in candidates:
        if len(pairs) >= target:
            break
        if (a, b) in pairs or (b, a) in pairs:
            continue
        pairs.add((a, b))
        lhs_side, rhs_side = SIDE_PAIRS[(a + b) % len(SIDE_PAIRS)]
        across = group_of[a] != group_of[b] and (a + b) % 5 == 0
        mod = "{group}" if across else ""
        arrow = ("-->", "--", "<--", "-[calls]->")[(a * 7 + b) % 4]
        lines.append(f"    svc{a}{mod}:{lhs_side} {arrow} {rhs_side}:svc{b}{mod}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 100), end="")
