"""The early-started Prefect server (flows/server.py): used when nothing else is configured,
stepped aside for a user's own server, and never left running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

_SCRIPT = r"""
import json, sys
from flows.runtime import prepare_prefect
prepare_prefect()
from flows.server import start_early
server = start_early()
assert server is not None, "no early server started"
with server.serving() as url:
    from prefect import flow
    from prefect.client.orchestration import get_client

    @flow(name="early-server-probe")
    def probe():
        return 41 + 1

    value = probe()
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs()
        names = sorted(client.read_flow(r.flow_id).name for r in runs)
        api = str(client.api_url)
server.stop()
print(json.dumps({"url": url, "api": api, "value": value, "flows": names, "stopped": server.process is None}))
"""


def _env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PYTHONPATH=str(REPO))
    return env


def test_flow_runs_against_the_early_server(tmp_path):
    r = subprocess.run([sys.executable, "-c", _SCRIPT], env=_env(tmp_path), capture_output=True, text=True,
                       timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["value"] == 42
    assert out["url"] and out["url"].startswith("http://127.0.0.1:")
    assert out["api"].rstrip("/") == out["url"].rstrip("/")  # the client talked to the early server
    assert out["flows"] == ["early-server-probe"]
    assert out["stopped"]


def test_no_early_server_when_the_user_names_one(monkeypatch):
    from flows.server import start_early

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert start_early() is None
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")
    assert start_early() is None


def test_a_configured_server_wins_and_the_early_one_stops(monkeypatch):
    from flows.runtime import prepare_prefect

    prepare_prefect()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.server import EarlyServer

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    server = EarlyServer()
    proc = server.process
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        with server.serving() as url:
            assert url is None
            assert PREFECT_API_URL.value() == "http://127.0.0.1:9/api"
    assert server.process is None and proc.poll() is not None


def test_a_server_that_cannot_start_falls_back(monkeypatch):
    from flows.server import EarlyServer

    server = EarlyServer.__new__(EarlyServer)
    server.port = 9
    server.process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    assert server.wait_ready(timeout=30) is False
    with server.serving() as url:
        assert url is None
    assert server.process is None


def test_batch_cli_leaves_no_server_behind(tmp_path):
    psutil = pytest.importorskip("psutil")
    from tests.flows_fake import GOOD, make_meeting

    make_meeting(tmp_path / "a", "m1", GOOD)
    env = _env(tmp_path)
    env["DIALOOG_ANALYZER"] = "tests.flows_fake:analyze"
    p = subprocess.Popen([sys.executable, "-m", "flows.cli", "-q", "batch", str(tmp_path / "a"), "--out",
                          str(tmp_path / "out")], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    try:
        me = psutil.Process(p.pid)
        while p.poll() is None:
            try:
                seen |= {c.pid for c in me.children(recursive=True) if "uvicorn" in " ".join(c.cmdline())}
            except psutil.Error:
                pass
            try:
                p.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
    finally:
        out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err[-3000:]
    assert "1 done" in out
    assert seen, "the batch did not start a temporary server"
    assert not [pid for pid in seen if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


def test_no_early_server_when_the_active_profile_names_one(monkeypatch, tmp_path):
    from flows.server import start_early

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n'
                        '[profiles.ephemeral]\n', encoding="utf-8")
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(profiles))
    assert start_early() is None
    # Another active profile without a URL, or no profiles file: nothing names a server.
    from flows.server import _profile_names_a_server

    assert _profile_names_a_server()
    monkeypatch.setenv("PREFECT_PROFILE", "ephemeral")
    assert not _profile_names_a_server()
    monkeypatch.setenv("PREFECT_PROFILES_PATH", str(tmp_path / "missing.toml"))
    assert not _profile_names_a_server()


def test_server_env_turns_telemetry_off_unless_the_user_chose(monkeypatch):
    """Prefect's server sends usage telemetry unless told not to; the early server is told so
    even when the caller never applied the CLI's privacy defaults."""
    from flows.server import server_env

    bare = {"PATH": "/usr/bin"}
    env = server_env(bare)
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert env["DO_NOT_TRACK"] == "1"
    assert env["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "false"
    assert env["PREFECT__SERVER_EPHEMERAL"] == "1" and env["PATH"] == "/usr/bin"
    chosen = server_env({**bare, "PREFECT_SERVER_ANALYTICS_ENABLED": "true",
                         "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "true"})
    assert chosen["PREFECT_SERVER_ANALYTICS_ENABLED"] == "true"          # the user's own setting wins
    assert chosen["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "true"
