"""The twilio-monitor command: the demo end to end, and the fake server as a process."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

from click.testing import CliRunner

from twilio_monitor_async import TwilioMonitorClient
from twilio_monitor_async.cli import main
from twilio_monitor_async.testing import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN


def test_demo_exports_summarises_and_shows_the_status_page(tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    result = CliRunner().invoke(
        main, ["demo", "--alerts", "600", "--shards", "3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 600
    assert len({r["sid"] for r in rows}) == 600
    assert all(r["response_body"] for r in rows)  # exported with details
    assert "By log level" in result.output
    assert "Top error codes" in result.output
    assert "Per hour" in result.output
    assert "Delayed SMS delivery" in result.output  # the fake status page's incident
    assert "TWILIO_ACCOUNT_SID" in result.output  # what to run next
    counts = [
        int(n.replace(",", ""))
        for n in re.findall(r"│ (?:error|warning|notice|debug)\s+│\s+([\d,]+) │", result.output)
    ]
    assert sum(counts) == 600


def test_version_and_help() -> None:
    runner = CliRunner()
    assert "twilio-monitor" in runner.invoke(main, ["--version"]).output
    help_text = runner.invoke(main, ["--help"]).output
    assert "demo" in help_text and "fake-server" in help_text


async def test_fake_server_command_serves_a_client() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "twilio_monitor_async.cli",
        "fake-server",
        "--port",
        "0",
        "--alerts",
        "30",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        url = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        assert url is not None, line
        base = url.group(1)
        async with TwilioMonitorClient(
            FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls={"monitor": base}
        ) as client:
            assert len(await client.alerts.list()) == 30
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
