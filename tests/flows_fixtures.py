"""Fixtures of the flow and store tests (loaded from conftest.py as a plugin)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def prefect_api():
    """Prefect's test harness (a temporary database and server), started once for the session.

    Yields the API URL so that subprocesses (the kill tests) can use the same server
    through ``PREFECT_API_URL`` instead of starting their own ephemeral one.
    """
    from flows.runtime import prepare_prefect

    prepare_prefect()
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield PREFECT_API_URL.value()


@pytest.fixture
def fake_analyzer(monkeypatch, tmp_path):
    """Use the fast stand-in analyser (tests/flows_fake.py) in this process and its children."""
    monkeypatch.setenv("DIALOOG_ANALYZER", "tests.flows_fake:analyze")
    monkeypatch.setenv("DIALOOG_FAKE_FLAKY_DIR", str(tmp_path))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    monkeypatch.setenv("PYTHONPATH", root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return "tests.flows_fake:analyze"
