"""Shared pytest setup: Hypothesis profiles.

The default profile is derandomized: every run of the suite (a developer's, CI's)
tries the same examples, so a red build is reproducible and never a coin toss. To
explore, pick a random profile: ``HYPOTHESIS_PROFILE=explore pytest`` (the usual
counts, new examples each run) or ``HYPOTHESIS_PROFILE=long pytest`` (many more);
``scripts/fuzz_long.py`` runs the hardening checks for as long as asked.

A test that fixes its own ``max_examples`` should use
``max(its count, settings.default.max_examples)`` so that the long profile reaches it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.register_profile(
    "long",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))
