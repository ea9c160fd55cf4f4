"""The client against the fake Twilio over real loopback HTTP: paging, filters, auth, faults."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest

from twilio_monitor_async import (
    AuthenticationError,
    LogLevel,
    NotFoundError,
    RetryPolicy,
    TwilioMonitorClient,
    __version__,
)
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from ..conftest import FAST_RETRY


def alert_sids(fake: FakeTwilio, keep=lambda r: True) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["sid"] for r in fake.state.collections["alerts"] if keep(r)]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_stream_reads_every_page_once_in_order(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    got = [a.sid async for a in fake_client.alerts.stream(page_size=50)]
    assert got == alert_sids(fake)
    assert len(got) == 1200
    assert fake.stats.requests == 24  # 1200 / 50, and no extra request after the last page
    dates = [a.date_generated async for a in fake_client.alerts.stream()]
    assert dates == sorted(dates, reverse=True)  # newest first


async def test_limit_stops_early_without_extra_pages(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    got = [a.sid async for a in fake_client.alerts.stream(limit=120, page_size=50)]
    assert got == alert_sids(fake)[:120]
    assert fake.stats.requests == 3
    fake.stats.reset()
    assert len(await fake_client.alerts.list(limit=7)) == 7
    assert fake.stats.requests == 1
    fake.stats.reset()
    assert len(await fake_client.alerts.list(page_size=100, page_limit=2)) == 200
    assert fake.stats.requests == 2


async def test_alert_filters_match_the_server_data(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    errors = [a async for a in fake_client.alerts.stream(log_level=LogLevel.ERROR, page_size=100)]
    assert [a.sid for a in errors] == alert_sids(fake, lambda r: r["log_level"] == "error")
    assert errors and all(a.log_level is LogLevel.ERROR for a in errors)

    records = list(fake.state.collections["alerts"])
    start, end = records[600]["date_generated"], records[300]["date_generated"]
    window = [a.sid async for a in fake_client.alerts.stream(start_date=start, end_date=utc(end))]
    expected = alert_sids(fake, lambda r: start <= r["date_generated"] <= end)
    assert window == expected
    assert (
        records[600]["sid"] in window and records[300]["sid"] in window
    )  # both edges are inclusive

    both = await fake_client.alerts.list(
        log_level="warning", start_date=utc(start), end_date=utc(end)
    )
    assert [a.sid for a in both] == [
        s for s in expected if fake.state.collections["alerts"].get(s)["log_level"] == "warning"
    ]  # type: ignore[index]


async def test_event_filters_match_the_server_data(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    events = list(fake.state.collections["events"])
    sample = next(e for e in events if e["actor_sid"] and e["source_ip_address"])
    cases = {
        "event_type": ("event_type", sample["event_type"]),
        "resource_sid": ("resource_sid", sample["resource_sid"]),
        "actor_sid": ("actor_sid", sample["actor_sid"]),
        "source_ip_address": ("source_ip_address", sample["source_ip_address"]),
    }
    for argument, (field, value) in cases.items():
        got = [e.sid async for e in fake_client.events.stream(**{argument: value})]
        assert got == [e["sid"] for e in events if e[field] == value], argument
        assert sample["sid"] in got
    start = utc(events[150]["event_date"])
    got = [
        e.sid
        async for e in fake_client.events.stream(
            start_date=start, end_date=start + timedelta(days=2)
        )
    ]
    assert got == [
        e["sid"] for e in events if start <= utc(e["event_date"]) <= start + timedelta(days=2)
    ]


async def test_fetch_returns_the_instance_view(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    record = list(fake.state.collections["alerts"])[5]
    alert = await fake_client.alerts.fetch(record["sid"])
    assert alert.response_body == record["response_body"]
    assert alert.request_variables == record["request_variables"]
    assert alert.date_generated == utc(record["date_generated"])
    listed = (await fake_client.alerts.list(limit=6))[5]
    assert listed.sid == alert.sid and not hasattr(listed, "response_body")
    event = list(fake.state.collections["events"])[3]
    assert (await fake_client.events.fetch(event["sid"])).event_data == event["event_data"]


async def test_unknown_sid_is_not_found(fake_client: TwilioMonitorClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await fake_client.alerts.fetch("NO" + "0" * 32)
    assert caught.value.code == 20404 and caught.value.status == 404


async def test_wrong_credentials_are_refused_without_retry(fake: FakeTwilio) -> None:
    async with TwilioMonitorClient(
        fake.account_sid, "wrong-token", base_urls=fake.base_urls
    ) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.alerts.list(limit=1)
    assert caught.value.code == 20003 and caught.value.status == 401
    assert "wrong-token" not in str(caught.value)
    assert fake.stats.auth_failures == 1 and fake.stats.requests == 1


async def test_api_key_credentials_are_accepted(fake: FakeTwilio) -> None:
    key, secret = "SK" + "7" * 32, "key-secret-1"
    fake.state.credentials[key] = secret
    async with TwilioMonitorClient(
        fake.account_sid, api_key=key, api_secret=secret, base_urls=fake.base_urls
    ) as client:
        assert len(await client.alerts.list(limit=3)) == 3
    seen = fake.stats.recent[-1]
    assert (
        seen.headers["Authorization"]
        == "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    )
    assert seen.headers["User-Agent"].startswith(f"twilio-monitor-async/{__version__}")


async def test_page_and_resume_from_a_kept_page_url(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    first = await fake_client.alerts.page(page_size=10, log_level="error")
    second = await first.next_page()
    assert second is not None and first.next_page_url is not None
    resumed = await fake_client.alerts.page(page_url=first.next_page_url)
    assert [a.sid for a in resumed] == [a.sid for a in second]
    expected = alert_sids(fake, lambda r: r["log_level"] == "error")
    assert [a.sid for a in first] + [a.sid for a in second] == expected[:20]
    assert second.meta.page == 1 and second.meta.page_size == 10 and second.meta.key == "alerts"


async def test_pages_iterates_page_objects(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    sizes = [len(p) async for p in fake_client.events.pages(page_size=128)]
    assert sizes == [128, 128, 44]


@pytest.mark.parametrize(
    "prefetch_kinds", [("429", "500", "502", "503", "504", "drop", "truncate")]
)
async def test_a_20_percent_fault_rate_is_absorbed(prefetch_kinds: tuple[str, ...]) -> None:
    plan = FaultPlan(rate=0.2, kinds=prefetch_kinds, retry_after=0.001, seed=7)
    async with FakeTwilio(alerts=3000, faults=plan) as fake:
        policy = RetryPolicy(attempts=8, backoff_initial=0.001, backoff_max=0.01, jitter=0.1)
        async with fake.client(retry=policy) as client:
            got = [a.sid async for a in client.alerts.stream(page_size=50)]
            stats = client.stats
    assert got == alert_sids(fake)  # none lost, none repeated, in order
    injected = sum(fake.stats.faults.values())
    assert injected > 0
    assert stats.total_retries == injected
    assert not stats.gave_up


async def test_slow_responses_time_out_and_are_retried() -> None:
    # A slow fault outlasts the timeout by far; a busy machine may time out a plain response
    # too, which is retried the same way, so every slow fault is at least one timeout retry.
    plan = FaultPlan(rate=0.3, kinds=("slow",), slow_seconds=2.0, seed=3)
    async with (
        FakeTwilio(alerts=400, faults=plan) as fake,
        fake.client(timeout=0.5, retry=FAST_RETRY) as client,
    ):
        got = [a.sid async for a in client.alerts.stream(page_size=50)]
        assert client.stats.retries["timeout"] >= fake.stats.faults["slow"] > 0
    assert got == alert_sids(fake)


async def test_the_fake_validates_paging_parameters(fake: FakeTwilio) -> None:
    auth = {
        "Authorization": "Basic "
        + base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
    }
    async with aiohttp.ClientSession(headers=auth) as session:
        for query in ("PageSize=0", "PageSize=1001", "PageToken=bogus", "StartDate=yesterday"):
            async with session.get(f"{fake.url}/v1/Alerts?{query}") as response:
                body = await response.json()
                assert response.status == 400, query
                assert body["code"] == 20001 and body["status"] == 400


async def test_connections_are_released_when_the_client_closes(fake: FakeTwilio) -> None:
    client = fake.client()
    async with client:
        await client.alerts.list(limit=5)
        connector = client.connector
        assert connector is not None and not connector.closed
    assert connector.closed


async def test_new_alerts_appear_in_order(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    newest = next(iter(fake.state.collections["alerts"]))
    fresh = fake.state.add_alert(date_generated="2030-01-01T00:00:00Z", log_level="error")
    got = await fake_client.alerts.list(limit=2)
    assert [a.sid for a in got] == [fresh["sid"], newest["sid"]]
    assert got[0].date_generated == datetime(2030, 1, 1, tzinfo=timezone.utc)
