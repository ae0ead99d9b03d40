"""Nothing leaves the machine by default (pipeline.privacy).

Each test runs Python in a fresh subprocess with the user's HF/Prefect settings
removed, so the environment the code sees is the default a new user gets.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WATCHED = ("huggingface_hub", "transformers", "faster_whisper", "ctranslate2", "prefect", "pyannote", "datasets")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HF_", "PREFECT_", "TRANSFORMERS_", "DIALOOG_", "DO_NOT_TRACK"))}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def _run(code: str, **env: str) -> dict:
    """Run ``code`` with an import hook that records the environment when a watched library is first imported."""
    prelude = textwrap.dedent(f"""
        import importlib.abc, json, os, sys
        WATCHED = {WATCHED!r}
        SEEN = {{}}
        class Spy(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                top = name.split(".")[0]
                if top in WATCHED and top not in SEEN:
                    SEEN[top] = {{k: os.environ.get(k) for k in (
                        "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY",
                        "PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK")}}
                return None
        sys.meta_path.insert(0, Spy())
        RESULT = {{}}
    """)
    epilogue = "\nprint('@@' + json.dumps({'seen': SEEN, 'result': RESULT}))\n"
    proc = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code) + epilogue],
                          capture_output=True, text=True, env=_clean_env(**env), cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("@@"))
    return json.loads(line[2:])


def _assert_offline(snapshot: dict) -> None:
    assert snapshot["HF_HUB_OFFLINE"] == "1"
    assert snapshot["TRANSFORMERS_OFFLINE"] == "1"
    assert snapshot["HF_HUB_DISABLE_TELEMETRY"] == "1"
    assert snapshot["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert snapshot["DO_NOT_TRACK"] == "1"


def test_cli_sets_offline_env_before_any_model_or_prefect_import():
    out = _run("""
        from flows.cli import main
        try:
            main(["--version"])
        except SystemExit:
            pass
        for name in ("analyze", "batch", "tag", "compare", "eval_audio"):
            try:
                main([name, "--help"])
            except SystemExit:
                pass
        RESULT["env"] = {k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    """)
    for lib, snapshot in out["seen"].items():
        assert snapshot["HF_HUB_OFFLINE"] == "1", f"{lib} imported before offline mode was set"
        _assert_offline(snapshot)
    assert out["result"]["env"] == {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def test_models_package_sets_offline_env_for_library_users():
    out = _run("""
        import models
        import huggingface_hub
        from huggingface_hub import constants
        RESULT["hub_offline"] = bool(constants.HF_HUB_OFFLINE)
    """)
    _assert_offline(out["seen"]["huggingface_hub"])
    assert out["result"]["hub_offline"] is True


def test_allow_download_lifts_offline_mode_only_when_asked():
    out = _run("""
        from pipeline.privacy import allow_downloads, downloads_allowed, offline_by_default
        offline_by_default()
        RESULT["before"] = [downloads_allowed(), os.environ["HF_HUB_OFFLINE"]]
        allow_downloads()
        RESULT["after"] = [downloads_allowed(), os.environ["HF_HUB_OFFLINE"], os.environ["TRANSFORMERS_OFFLINE"]]
        RESULT["telemetry"] = os.environ["HF_HUB_DISABLE_TELEMETRY"]
    """)
    assert out["result"]["before"] == [False, "1"]
    assert out["result"]["after"] == [True, "0", "0"]
    # telemetry stays off even when downloads are allowed
    assert out["result"]["telemetry"] == "1"


def test_env_var_allows_downloads_and_user_settings_win():
    out = _run("""
        from pipeline.privacy import offline_by_default
        offline_by_default()
        RESULT["offline"] = os.environ.get("HF_HUB_OFFLINE")
        RESULT["level"] = os.environ.get("PREFECT_LOGGING_LEVEL")
    """, DIALOOG_ALLOW_DOWNLOAD="1", PREFECT_LOGGING_LEVEL="DEBUG")
    assert out["result"]["offline"] is None
    assert out["result"]["level"] == "DEBUG"


def test_cli_allow_download_flag_reaches_environment():
    out = _run("""
        import argparse
        from flows.commands.common import add_analysis_options, analysis_options
        from pipeline.privacy import offline_by_default
        offline_by_default()
        p = argparse.ArgumentParser()
        add_analysis_options(p)
        opts = analysis_options(p.parse_args([]))
        RESULT["default"] = [os.environ["HF_HUB_OFFLINE"], opts.audio.transcribe.allow_download]
        opts = analysis_options(p.parse_args(["--allow-download"]))
        RESULT["allowed"] = [os.environ["HF_HUB_OFFLINE"], opts.audio.transcribe.allow_download]
    """)
    assert out["result"]["default"] == ["1", False]
    assert out["result"]["allowed"] == ["0", True]


def test_prefect_home_is_created_owner_only(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    out = _run("""
        import stat
        from pathlib import Path
        from flows.runtime import prepare_prefect
        prepare_prefect()
        p = Path(os.environ["HOME"]) / ".prefect"
        RESULT["mode"] = oct(stat.S_IMODE(p.stat().st_mode))
        RESULT["analytics"] = os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"]
    """, HOME=str(home))
    assert out["result"] == {"mode": "0o700", "analytics": "false"}


def _analyze_with_network_audit(args: list[str]) -> dict:
    return _run(f"""
        import socket
        ATTEMPTS = []
        def audit(event, a):
            if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
                target = a[1] if event == "socket.connect" else a
                ATTEMPTS.append((event, repr(target)[:120]))
        sys.addaudithook(audit)
        from flows.cli import main
        RESULT["status"] = main({args!r})
        RESULT["attempts"] = ATTEMPTS
    """)


def test_analyze_makes_no_network_connection(tmp_path):
    sample = REPO / "data" / "sample" / "companyB-call1"
    if not (sample / "meeting.yaml").is_file():
        import pytest

        pytest.skip("sample meeting missing")
    out = _analyze_with_network_audit(["-q", "analyze", str(sample), "--out", str(tmp_path / "out"), "--pseudonymise"])
    assert out["result"]["status"] == 0
    # not even a local one: a single meeting needs no server
    assert out["result"]["attempts"] == []
