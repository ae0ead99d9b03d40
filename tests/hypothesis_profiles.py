"""Hypothesis profiles for the whole test suite (a pytest plugin, see ``tests/conftest.py``).

Choose with ``HYPOTHESIS_PROFILE``:

* ``dev`` (default; ``ci`` when the ``CI`` variable is set): 200 examples per parser, random seed;
* ``ci``: the same count, derandomised so CI runs are reproducible, no database;
* ``thorough``: 2,000 examples for a long local hunt.

The adversarial properties also run under ``tests/adversarial/guards.no_hang``,
so a parser that loops forever fails the test instead of stalling the suite
(Hypothesis' ``deadline`` only measures examples that finish).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=2000,  # ms per example; generous for a shared 2-core machine
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large),
)
settings.register_profile("dev", max_examples=200, **_COMMON)
settings.register_profile("ci", max_examples=200, derandomize=True, database=None, print_blob=True, **_COMMON)
settings.register_profile("thorough", max_examples=2000, **_COMMON)
# CI (CI=true) runs the reproducible profile unless one is named explicitly.
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
