"""Shared pytest setup: Hypothesis profiles.

Property tests run a modest number of examples so CI stays fast;
``HYPOTHESIS_PROFILE=long pytest`` runs them much longer. A test that fixes its own
``max_examples`` should use ``max(its count, settings.default.max_examples)`` so
that the long profile reaches it too.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "long",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
if "HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
