"""Fixtures shared by the render tests."""

from __future__ import annotations

import pytest

from archdsl.layout.channels import ChannelNetwork


@pytest.fixture
def channel_networks(monkeypatch: pytest.MonkeyPatch) -> list[ChannelNetwork]:
    """Every channel network the layouts in the test build, in order (to inspect one)."""
    networks: list[ChannelNetwork] = []
    build = ChannelNetwork.__init__

    def keep(self: ChannelNetwork, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        build(self, *args, **kwargs)
        networks.append(self)

    monkeypatch.setattr(ChannelNetwork, "__init__", keep)
    return networks
