"""Output that scripts can trust: written to a pipe or a file, nothing is wrapped, folded or cut.

The commands run as real processes with their streams on pipes and ``COLUMNS=40`` (a narrow
window, as a CI log or ``stty cols 40`` would claim): every logical line must stay one line and
every table cell must come out whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from twilio_monitor_async.testing import FakeTwilio

from .cli_support import base_url_args, connection_env, create_alarm_args, fake_in_thread

NARROW = {"COLUMNS": "40", "LINES": "10"}


def run_cli(fake: FakeTwilio, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **connection_env(fake), **NARROW}
    command = [sys.executable, "-m", "twilio_monitor_async.cli", *args, *base_url_args(fake)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_summary_line_and_table_in_a_pipe_are_whole_at_40_columns(tmp_path: Path) -> None:
    long_folder = tmp_path / ("a-rather-long-folder-name-" * 3)
    long_folder.mkdir()
    out = long_folder / "alerts-exported-for-the-whole-week.jsonl"
    name = "Webhook failures on the checkout service in production"  # 56 characters
    with fake_in_thread(alerts=300, events=10, notifications=10) as fake:
        export = run_cli(fake, "export", "alerts", "--out", str(out))
        created = run_cli(fake, *create_alarm_args(name))
        listed = run_cli(fake, "alarms", "list", "-o", "table")

    assert export.returncode == 0, export.stderr
    summary = [line for line in export.stderr.splitlines() if line.startswith("Exported")]
    assert len(summary) == 1, export.stderr
    assert str(out) in summary[0] and "retries; concurrency limit " in summary[0]
    assert summary[0].endswith("0 rejected (429), 0.0s waiting for a slot).")
    assert "━" not in export.stderr  # no progress bar outside a terminal

    assert created.returncode == 0, created.stderr
    sid = created.stdout.strip()
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if sid in line]
    assert len(rows) == 1, listed.stdout  # the whole row on one line
    assert name in rows[0]
    assert "…" not in listed.stdout
