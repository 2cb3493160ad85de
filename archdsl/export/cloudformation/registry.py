"""The builders of services and edges, registered under the names the plan declares.

:mod:`archdsl.emit.cloudformation` declares what the export can build (as data, so that the
AWS5xx rules need no builder); the modules of :mod:`.services` and :mod:`.wiring` register
the functions that build it, with :func:`service` and :func:`edge`. :func:`load` imports them
once. A name declared without a builder, or built twice, is an error (and a failing test).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from archdsl.emit.cloudformation import BUILT_SERVICES, WIRING, Pair

if TYPE_CHECKING:
    from archdsl.emit.cloudformation import AwsNode, Flow
    from archdsl.export.cloudformation.context import Context

ServiceBuilder = Callable[["Context", "AwsNode"], None]
EdgeBuilder = Callable[["Context", "Flow"], None]

SERVICES: dict[str, ServiceBuilder] = {}
FINISHERS: dict[str, list[ServiceBuilder]] = {}
EDGES: dict[Pair, EdgeBuilder] = {}
EDGE_NAMES: set[str] = set()

BUILDER_MODULES = (
    "archdsl.export.cloudformation.services.compute",
    "archdsl.export.cloudformation.services.data",
    "archdsl.export.cloudformation.services.messaging",
    "archdsl.export.cloudformation.services.frontdoor",
    "archdsl.export.cloudformation.services.analytics",
    "archdsl.export.cloudformation.services.management",
    "archdsl.export.cloudformation.wiring.clients",
    "archdsl.export.cloudformation.wiring.events",
    "archdsl.export.cloudformation.wiring.frontdoor",
    "archdsl.export.cloudformation.wiring.analytics",
    "archdsl.export.cloudformation.wiring.network",
    "archdsl.export.cloudformation.wiring.monitoring",
)


def service(*keys: str) -> Callable[[ServiceBuilder], ServiceBuilder]:
    """Register the builder of the resources of services with these catalogue keys."""

    def register(build: ServiceBuilder) -> ServiceBuilder:
        for key in keys:
            if key in SERVICES or key not in BUILT_SERVICES:
                raise ValueError(f"service {key}: built twice, or not in BUILT_SERVICES")
            SERVICES[key] = build
        return build

    return register


def finisher(*keys: str) -> Callable[[ServiceBuilder], ServiceBuilder]:
    """Register a step that runs after every edge is wired (code, definitions, roles)."""

    def register(finish: ServiceBuilder) -> ServiceBuilder:
        for key in keys:
            FINISHERS.setdefault(key, []).append(finish)
        return finish

    return register


def edge(name: str) -> Callable[[EdgeBuilder], EdgeBuilder]:
    """Register the builder of the pairs :data:`~archdsl.emit.cloudformation.WIRING` declares
    under ``name``. For a wiring that works both ways, the builder always sees the flow from
    one of the declared sources to one of the declared targets."""
    wiring = WIRING[name]

    def register(build: EdgeBuilder) -> EdgeBuilder:
        if name in EDGE_NAMES:
            raise ValueError(f"edge builder {name} registered twice")
        EDGE_NAMES.add(name)
        for source in wiring.sources:
            for target in wiring.targets:
                EDGES[(source, target)] = build
                if wiring.both_ways:
                    EDGES[(target, source)] = _reversed(build)
        return build

    return register


def _reversed(build: EdgeBuilder) -> EdgeBuilder:
    return lambda ctx, flow: build(ctx, flow.reversed())


@cache
def load() -> None:
    """Import every builder module (once)."""
    for module in BUILDER_MODULES:
        importlib.import_module(module)
