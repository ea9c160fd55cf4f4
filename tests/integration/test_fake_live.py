"""A fake that behaves like a live account: data up to now, an open incident, new records as
time goes by, schema ids as in the specs, and a ``fake-server`` whose printed lines work."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import datetime, timedelta, timezone

import pytest

from twilio_monitor_async import TwilioMonitorClient, ValidationError
from twilio_monitor_async.testing import (
    FAKE_ACCOUNT_SID,
    FAKE_AUTH_TOKEN,
    OPEN_INCIDENT,
    FakeTwilio,
    LiveClock,
    live_account,
)


async def test_live_account_has_recent_data_an_open_incident_and_new_records() -> None:
    state = live_account(alerts=500, events=100)
    async with FakeTwilio(state=state) as fake, fake.client() as client:
        since = datetime.now(timezone.utc) - timedelta(hours=6)
        assert await client.alerts.list(start_date=since)  # "the last 6 hours" is not empty
        summary = await client.status_page.summary()
        assert [incident.name for incident in summary.incidents] == [OPEN_INCIDENT]
        assert not summary.is_operational()

        clock = LiveClock(state, interval=60, events_every=1)
        added: list[str] = []

        def after_poll(_checkpoint: object) -> None:
            if not added:  # the first poll is the baseline: something arrives after it
                added.append(clock.tick()["sid"])

        followed = [
            alert.sid
            async for alert in client.alerts.follow(
                poll_interval=0, max_polls=2, on_poll=after_poll
            )
        ]
        assert followed == added
        assert len(state.collections["events"]) == 101


async def test_the_clock_runs_while_its_context_is_open() -> None:
    state = live_account(alerts=10, events=10)
    before = len(state.collections["alerts"])
    three = asyncio.Event()
    clock = LiveClock(state, interval=0.001, on_tick=lambda _: clock.ticks >= 3 and three.set())
    async with clock:
        await three.wait()
    ticks = clock.ticks
    assert len(state.collections["alerts"]) == before + ticks
    await asyncio.sleep(0.01)
    assert clock.ticks == ticks  # stopped with its context


async def test_schema_ids_and_versions_are_the_specs() -> None:
    async with FakeTwilio() as fake, fake.client() as client:
        types = await client.event_types.list(schema_id="Messaging.MessageStatus")
        assert "com.twilio.messaging.message.delivered" in {t.type for t in types}
        schema = await client.schemas.fetch("Messaging.MessageStatus")
        assert (schema.latest_version or 0) >= 2
        assert (await client.schemas.versions(schema.id or "").fetch(2)).schema_version == 2


def test_plain_http_to_another_host_needs_an_explicit_opt_in() -> None:
    urls = {"monitor": "http://fake-twilio:8765"}
    with pytest.raises(ValidationError, match="allow_insecure_http"):
        TwilioMonitorClient(FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls=urls)
    client = TwilioMonitorClient(
        FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls=urls, allow_insecure_http=True
    )
    assert client.base_urls["monitor"] == "http://fake-twilio:8765"


async def test_fake_server_on_all_interfaces_prints_lines_that_work() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "twilio_monitor_async.cli",
        "fake-server",
        "--host",
        "0.0.0.0",
        "--port",
        "0",
        "--alerts",
        "30",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "COLUMNS": "40"},
    )
    try:
        assert process.stdout is not None
        printed: list[str] = []
        while not printed or not printed[-1].startswith("Press Ctrl-C"):
            printed.append((await asyncio.wait_for(process.stdout.readline(), 30)).decode())
        text = "".join(printed)
        url = re.search(r"TWILIO_MONITOR_BASE_URL=(http://127\.0\.0\.1:\d+)", text)
        assert url is not None, text
        assert "--allow-insecure-http" in text
        assert f"TWILIO_ACCOUNT_SID={FAKE_ACCOUNT_SID}" in text
        async with TwilioMonitorClient(
            FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls={"monitor": url.group(1)}
        ) as client:
            assert len(await client.alerts.list()) >= 30
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
