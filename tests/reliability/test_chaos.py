"""Chaos: 100,000 records through a fake that fails one request in five, every way it can.

The fake injects 429 (with Retry-After), 500, 502, 503, 504, connections dropped mid-body,
JSON cut short and responses held longer than the client's timeout, at a 20% rate. Walking the
whole list (one page at a time, with read-ahead, and in time-window shards) must give exactly
the fake's SIDs in the fake's order, and every injected fault must show up as exactly one retry
of the matching cause. Faults that must not be retried surface after one request, and the
retry deadline stops a request that keeps failing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aioresponses import aioresponses

from twilio_monitor_async import (
    AlarmConfig,
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    QueryType,
    RetryPolicy,
    ServerError,
    TimeWindow,
    TwilioMonitorClient,
)
from twilio_monitor_async.testing import ALL_FAULTS, FakeState, FakeTwilio, FaultPlan

from ..conftest import ACCOUNT_SID, AUTH_TOKEN
from . import _figures

RECORDS = 100_000
CHAOS_RETRY = RetryPolicy(attempts=8, backoff_initial=0.001, backoff_max=0.01, deadline=60)
#: The client's per-attempt timeout, and how long a "slow" fault holds its response: longer,
#: so that every slow fault is a timeout (and the margin keeps honest responses well inside).
TIMEOUT = 1.0
SLOW = 1.5
#: The retry cause each injected fault must produce (see retry.cause_of).
CAUSE_OF_FAULT = {
    "429": "429",
    "500": "500",
    "502": "502",
    "503": "503",
    "504": "504",
    "drop": "dropped",
    "truncate": "truncated body",
    "slow": "timeout",
}


@pytest.fixture(scope="module")
def big_state() -> FakeState:
    """100,000 seeded alerts, built once for the module (seeding is the slow part)."""
    return FakeState.seeded(seed=7, sizes={"alerts": RECORDS, "events": 10, "notifications": 10})


def expected_sids(state: FakeState) -> list[str]:
    return [record["sid"] for record in state.collections["alerts"]]


def check_retries_match_faults(client: TwilioMonitorClient, fake: FakeTwilio) -> Counter[str]:
    faults = fake.stats.faults
    retries = client.stats.retries
    expected = Counter({CAUSE_OF_FAULT[kind]: count for kind, count in faults.items()})
    assert not client.stats.gave_up
    for kind in ALL_FAULTS:
        cause = CAUSE_OF_FAULT[kind]
        if kind == "slow":  # a loaded machine may time out an honest response too, never fewer
            assert retries[cause] >= expected[cause], (kind, dict(retries), dict(faults))
        else:
            assert retries[cause] == expected[cause], (kind, dict(retries), dict(faults))
    assert set(retries) <= set(CAUSE_OF_FAULT.values())
    # every request the fake saw is one the client sent, and each fault cost one more request
    assert fake.stats.requests == client.stats.requests
    return faults


@pytest.mark.parametrize(
    ("variant", "options"),
    [
        ("plain", {"prefetch": False}),
        ("prefetch", {"prefetch": True}),
        ("sharded", {"shards": 4}),
    ],
)
async def test_100k_records_under_20_percent_faults_exactly_once_in_order(
    big_state: FakeState, variant: str, options: dict[str, Any]
) -> None:
    big_state.stats.reset()
    plan = FaultPlan(rate=0.2, retry_after=0.001, slow_seconds=SLOW, seed=len(variant))
    expected = expected_sids(big_state)
    if "shards" in options:
        dates = [record["date_generated"] for record in big_state.collections["alerts"]]
        options = {**options, "start_date": min(dates), "end_date": max(dates)}
    async with (
        FakeTwilio(state=big_state, faults=plan) as fake,
        fake.client(retry=CHAOS_RETRY, timeout=TIMEOUT) as client,
    ):
        got = [alert.sid async for alert in client.alerts.stream(**options)]
    assert len(got) == RECORDS
    assert len(set(got)) == RECORDS, "a record was repeated"
    assert got == expected, "records lost, repeated or out of order"
    faults = check_retries_match_faults(client, fake)
    # 20% of the requests failed: the run really was under fire, by every kind of fault
    assert sum(faults.values()) >= 0.1 * fake.stats.requests
    _figures.add(f"chaos {variant}: faults injected", faults)
    _figures.add(f"chaos {variant}: retries by cause", client.stats.retries)
    _figures.add(
        "chaos totals",
        {
            "records checked": len(got),
            "requests": fake.stats.requests,
            "faults injected": sum(faults.values()),
            "retries": client.stats.total_retries,
        },
    )


async def test_fetch_many_under_faults_returns_every_record_once(big_state: FakeState) -> None:
    big_state.stats.reset()
    sids = expected_sids(big_state)[::200]  # 500 SIDs spread over the list
    plan = FaultPlan(rate=0.2, retry_after=0.001, slow_seconds=SLOW, seed=11)
    async with (
        FakeTwilio(state=big_state, faults=plan) as fake,
        fake.client(retry=CHAOS_RETRY, timeout=TIMEOUT) as client,
    ):
        outcomes = [o async for o in client.alerts.fetch_many(sids, concurrency=20, ordered=True)]
    assert [o.unwrap().sid for o in outcomes] == sids
    faults = check_retries_match_faults(client, fake)
    assert set(faults) == set(ALL_FAULTS)  # ~600 requests: every kind of fault was met
    _figures.add("chaos fetch_many: faults injected", faults)
    _figures.add("chaos fetch_many: retries by cause", client.stats.retries)
    _figures.add(
        "chaos totals",
        {
            "records checked": len(sids),
            "requests": fake.stats.requests,
            "faults injected": sum(faults.values()),
            "retries": client.stats.total_retries,
        },
    )


async def test_the_retry_deadline_stops_a_request_that_keeps_failing() -> None:
    # Every answer is a 503 and each wait is 0.01 s: attempts alone would allow 1000 tries,
    # the 0.3 s deadline at most 0.3 / 0.01 + 1 of them (fewer when the machine is slow).
    policy = RetryPolicy(attempts=1000, deadline=0.3, backoff_initial=0.01, backoff_max=0.01)
    plan = FaultPlan(rate=1.0, kinds=("503",))
    async with FakeTwilio(alerts=5, faults=plan) as fake, fake.client(retry=policy) as client:
        with pytest.raises(ServerError) as caught:
            await client.alerts.list(limit=5)
    assert caught.value.status == 503
    assert 1 <= fake.stats.requests <= 31
    assert fake.stats.requests < policy.attempts
    assert client.stats.gave_up == Counter({"503": 1})
    _figures.add("deadline", {"requests before giving up": fake.stats.requests})


URL = "https://monitor.twilio.com/v1/Alerts/NO" + "0" * 32
ALARMS = "https://monitor.twilio.com/v2/Alarms"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
    ],
)
async def test_final_errors_surface_at_once_with_everything_needed(
    mock_http: aioresponses, client: TwilioMonitorClient, status: int, error_class: type[ApiError]
) -> None:
    body = {
        "code": 20000 + status,
        "message": f"refused with {status}",
        "more_info": f"https://www.twilio.com/docs/errors/{20000 + status}",
        "status": status,
    }
    mock_http.get(URL, status=status, payload=body, repeat=True)
    mock_http.post(ALARMS, status=status, payload=body, repeat=True)
    with pytest.raises(error_class) as caught:
        await client.alerts.fetch("NO" + "0" * 32)
    error = caught.value
    assert (error.status, error.code, error.message) == (status, 20000 + status, body["message"])
    assert (error.method, error.url) == ("GET", URL)
    assert error.more_info == body["more_info"]
    for part in (str(status), str(20000 + status), body["message"], "GET", URL):
        assert part in str(error)
    config = AlarmConfig(
        friendly_name="Chaos",
        description="d",
        query_type=QueryType.ALL,
        trigger_value=1,
        time_window=TimeWindow.ONE_DAY,
        console_indicator=True,
    )
    with pytest.raises(error_class) as created:  # a POST with an Idempotency-Token: same rule
        await client.alarms.create(config)
    assert (created.value.method, created.value.url) == ("POST", ALARMS)
    sent = {key: len(calls) for key, calls in mock_http.requests.items()}
    assert list(sent.values()) == [1, 1], sent  # one request each: no retry
    assert client.stats.total_retries == 0


async def test_final_errors_from_the_fake_are_not_retried() -> None:
    async with FakeTwilio(alerts=5) as fake:
        wrong = TwilioMonitorClient(
            ACCOUNT_SID, AUTH_TOKEN, base_urls=fake.base_urls, retry=CHAOS_RETRY
        )
        async with wrong:
            with pytest.raises(AuthenticationError) as caught:
                await wrong.alerts.list()
        assert caught.value.status == 401 and caught.value.code == 20003
        assert fake.stats.requests == 1
        async with fake.client(retry=CHAOS_RETRY) as client:
            with pytest.raises(NotFoundError) as missing:
                await client.alerts.fetch("NO" + "f" * 32)
        assert missing.value.code == 20404 and missing.value.method == "GET"
        assert missing.value.url.endswith("/v1/Alerts/NO" + "f" * 32)
        assert fake.stats.requests == 2
