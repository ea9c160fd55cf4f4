"""The twilio-monitor command: the demo end to end, and the fake server as a process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

from click.testing import CliRunner

from twilio_monitor_async import TwilioMonitorClient
from twilio_monitor_async.cli import main
from twilio_monitor_async.testing import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN


def test_demo_streams_the_fake_and_prints_a_summary() -> None:
    result = CliRunner().invoke(main, ["demo", "--alerts", "700", "--events", "120"])
    assert result.exit_code == 0, result.output
    assert "Alerts by log level" in result.output
    assert "Top alert error codes" in result.output
    match = re.search(r"Streamed (\d+) alerts .* and (\d+) events", result.output, re.S)
    assert match is not None and match.groups() == ("700", "120")
    counts = [
        int(n.replace(",", ""))
        for n in re.findall(r"│ (?:error|warning|notice|debug)\s+│\s+([\d,]+) │", result.output)
    ]
    assert sum(counts) == 700


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
