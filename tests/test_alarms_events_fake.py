"""Alarms and Events v1 against the fake over loopback: round trips, limits, idempotency, paging."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest

from twilio_monitor_async import (
    AlarmConfig,
    AlarmLimitError,
    BadRequestError,
    NotFoundError,
    QueryType,
    SinkStatus,
    SinkType,
    TimeWindow,
    TwilioMonitorClient,
)
from twilio_monitor_async.testing import FakeTwilio, FaultPlan

from .conftest import FAST_RETRY


@pytest.fixture
async def server() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio(alerts=5, events=5, alarms=7) as fake:
        yield fake


@pytest.fixture
async def api(server: FakeTwilio) -> AsyncIterator[TwilioMonitorClient]:
    async with server.client(retry=FAST_RETRY) as client:
        yield client


def alarm_config(name: str = "Webhook failures", **changes: Any) -> AlarmConfig:
    fields: dict[str, Any] = {
        "friendly_name": name,
        "description": "HTTP retrieval failures above threshold",
        "query_type": QueryType.ERROR_CODE,
        "query": "11200",
        "trigger_value": 5,
        "time_window": TimeWindow.FIFTEEN_MINS,
        "email": ["oncall@example.com"],
        "enabled": True,
    }
    fields.update(changes)
    return AlarmConfig(**fields)


# -- alarms --------------------------------------------------------------------------------------
async def test_alarm_round_trip(server: FakeTwilio, api: TwilioMonitorClient) -> None:
    before = len(await api.alarms.list())
    sid = await api.alarms.create(alarm_config())
    alarm = await api.alarms.fetch(sid)
    assert (alarm.sid, alarm.alert_config_sid) == (sid, sid)
    assert alarm.friendly_name == "Webhook failures"
    assert (alarm.query_type, alarm.query, alarm.trigger_value) == (
        QueryType.ERROR_CODE,
        "11200",
        5,
    )
    assert alarm.time_window is TimeWindow.FIFTEEN_MINS
    assert alarm.email == ("oncall@example.com",)
    assert alarm.enabled is True
    assert alarm.date_created is not None
    assert alarm.date_created.tzinfo is not None
    assert sid in [a.sid for a in await api.alarms.list()]

    new = alarm_config("Log errors", query_type="LOG_LEVEL", query="ERROR", email=())
    new = attrs.evolve(new, console_indicator=True, trigger_value=1)
    assert await api.alarms.update(sid, new) == sid
    updated = await api.alarms.fetch(sid)
    assert (updated.friendly_name, updated.query_type, updated.query) == (
        "Log errors",
        QueryType.LOG_LEVEL,
        "ERROR",
    )
    assert (updated.email, updated.console_indicator, updated.trigger_value) == (None, True, 1)

    await api.alarms.set_enabled(sid, False)
    assert (await api.alarms.fetch(sid)).enabled is False
    await api.alarms.set_enabled(sid, True)
    assert (await api.alarms.fetch(sid)).enabled is True

    await api.alarms.delete(sid)
    with pytest.raises(NotFoundError):
        await api.alarms.fetch(sid)
    assert len(await api.alarms.list()) == before


async def test_alarm_lists_page_in_both_orders(api: TwilioMonitorClient) -> None:
    ascending = await api.alarms.list(page_size=2)
    descending = await api.alarms.list(sort_order="desc", page_size=3)
    assert len(ascending) == 7
    assert [a.sid for a in descending] == [a.sid for a in reversed(ascending)]
    created = [a.date_created for a in ascending]
    assert created == sorted(created)  # type: ignore[type-var]
    pages = [page async for page in api.alarms.pages(page_size=3)]
    assert [len(p) for p in pages] == [3, 3, 1]


async def test_same_token_never_makes_two_alarms(api: TwilioMonitorClient) -> None:
    before = len(await api.alarms.list())
    first = await api.alarms.create(alarm_config(), idempotency_token="deploy-42")
    second = await api.alarms.create(alarm_config(), idempotency_token="deploy-42")
    other = await api.alarms.create(alarm_config())
    assert first == second
    assert other != first
    assert len(await api.alarms.list()) == before + 2


def _plan_failing_first_request_only() -> FaultPlan:
    # The fake draws faults from a seeded RNG; pick the seed whose first draw is a fault and
    # whose second is not, so exactly the first attempt of the create is cut off.
    for seed in range(1000):
        probe = FaultPlan(rate=0.5, kinds=("drop",), seed=seed)
        if probe.roll() == "drop" and probe.roll() is None:
            return FaultPlan(rate=0.5, kinds=("drop",), seed=seed)
    raise AssertionError("no suitable seed")


async def test_create_retried_after_a_dropped_response_makes_one_alarm(
    server: FakeTwilio, api: TwilioMonitorClient
) -> None:
    before = len(server.state.collections["alarms"])
    server.faults = _plan_failing_first_request_only()
    sid = await api.alarms.create(alarm_config())
    server.faults = FaultPlan()
    # The first attempt reached the handler (the alarm was made) and its response was cut off;
    # the retry carried the same token and was answered with that same alarm.
    assert server.stats.faults["drop"] == 1
    assert server.stats.requests == 2
    assert api.stats.retries
    assert len(server.state.collections["alarms"]) == before + 1
    assert [a.sid for a in await api.alarms.list()].count(sid) == 1


async def test_the_hundred_alarm_limit(server: FakeTwilio, api: TwilioMonitorClient) -> None:
    existing = len(await api.alarms.list())
    for index in range(100 - existing):
        await api.alarms.create(alarm_config(f"Alarm {index}"))
    with pytest.raises(AlarmLimitError) as caught:
        await api.alarms.create(alarm_config("One too many"))
    assert caught.value.status == 409
    assert "100" in (caught.value.message or "")
    assert len(await api.alarms.list()) == 100
    assert "One too many" not in {a.friendly_name for a in await api.alarms.list()}


VALID_BODY = {
    "friendlyName": "Raw alarm",
    "description": "sent without the client",
    "queryType": "ERROR_CODE",
    "query": "30003",
    "triggerValue": 3,
    "timeWindow": "ONE_HOUR",
    "consoleIndicator": True,
    "enabled": True,
}


@pytest.mark.parametrize(
    ("changes", "mentions"),
    [
        ({"friendlyName": "x" * 65}, "friendlyName"),
        ({"friendlyName": "bad_name!"}, "friendlyName"),
        ({"description": ""}, "description"),
        ({"queryType": "LATENCY"}, "queryType"),
        ({"query": "abc"}, "numeric error code"),
        ({"queryType": "LOG_LEVEL", "query": "DEBUG"}, "LOG_LEVEL"),
        ({"triggerValue": 0}, "triggerValue"),
        ({"timeWindow": "TEN_MINS"}, "timeWindow"),
        ({"email": [f"u{i}@example.com" for i in range(26)]}, "25"),
        ({"email": ["nope"]}, "email"),
        ({"webhook": "https://e.com/" + "a" * 1986}, "webhook"),
        ({"consoleIndicator": False}, "At least one"),
        ({"enabled": None}, "enabled"),
    ],
)
async def test_fake_answers_bad_alarms_with_400(
    server: FakeTwilio, changes: dict[str, Any], mentions: str
) -> None:
    before = len(server.state.collections["alarms"])
    auth = {"Authorization": aiohttp.encode_basic_auth(server.account_sid, server.auth_token)}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{server.url}/v2/Alarms",
            json={**VALID_BODY, **changes},
            headers={**auth, "Idempotency-Token": "raw-1"},
        ) as response,
    ):
        body = await response.json()
    assert response.status == 400
    assert body["http_status_code"] == 400
    assert body["user_error"] is True
    assert mentions in body["message"]
    assert len(server.state.collections["alarms"]) == before


async def test_fake_accepts_the_valid_raw_body_and_needs_a_token(server: FakeTwilio) -> None:
    auth = {"Authorization": aiohttp.encode_basic_auth(server.account_sid, server.auth_token)}
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{server.url}/v2/Alarms", json=VALID_BODY, headers=auth
        ) as response:
            assert response.status == 400
            assert "Idempotency-Token" in (await response.json())["message"]
        async with session.post(
            f"{server.url}/v2/Alarms",
            json=VALID_BODY,
            headers={**auth, "Idempotency-Token": "raw-2"},
        ) as response:
            assert response.status == 201
            sid = (await response.json())["sid"]
    assert sid in server.state.collections["alarms"]


# -- events v1 -----------------------------------------------------------------------------------
async def test_event_types_and_schemas(server: FakeTwilio, api: TwilioMonitorClient) -> None:
    types = await api.event_types.list(page_size=4)
    assert len(types) == len(server.state.collections["event_types"]) == 21
    first = types[0]
    assert first.type is not None
    assert first.schema_id is not None
    assert await api.event_types.fetch(first.type) == first
    same_schema = await api.event_types.list(schema_id=first.schema_id)
    assert same_schema
    assert all(t.schema_id == first.schema_id for t in same_schema)
    assert len(same_schema) < len(types)

    schema = await api.schemas.fetch(first.schema_id)
    versions = await api.schemas.versions(first.schema_id).list(page_size=1)
    assert [v.schema_version for v in versions] == list(range(1, (schema.latest_version or 0) + 1))
    latest = await api.schemas.versions(first.schema_id).fetch(schema.latest_version or 1)
    assert latest == versions[-1]
    assert schema.latest_version_date_created == latest.date_created
    with pytest.raises(NotFoundError):
        await api.schemas.versions(first.schema_id).fetch(99)
    with pytest.raises(NotFoundError):
        await api.event_types.fetch("com.twilio.no.such.type")
    with pytest.raises(NotFoundError):
        await api.schemas.versions("NoSuchSchema").list()


async def test_sink_life_cycle(server: FakeTwilio, api: TwilioMonitorClient) -> None:
    sink = await api.sinks.create(
        "Ops webhook",
        {"destination": "https://hooks.example.com/e", "method": "POST", "batch_events": False},
        "webhook",
    )
    assert sink.sid is not None
    assert (sink.status, sink.sink_type) == (SinkStatus.INITIALIZED, SinkType.WEBHOOK)
    assert sink.sink_configuration == {
        "destination": "https://hooks.example.com/e",
        "method": "POST",
        "batch_events": False,
    }
    assert await api.sinks.fetch(sink.sid) == sink

    types = await api.event_types.list(limit=2)
    with pytest.raises(BadRequestError, match="active"):
        await api.subscriptions.create("too early", sink.sid, [{"type": types[0].type}])

    assert (await api.sinks.test(sink.sid)).result == "submitted"
    assert (await api.sinks.fetch(sink.sid)).status is SinkStatus.VALIDATING
    assert (await api.sinks.validate(sink.sid, "wrong-id")).result == "invalid"
    test_id = server.state.extra["events_v1"]["sink_tests"][sink.sid]
    assert (await api.sinks.validate(sink.sid, test_id)).result == "valid"
    assert (await api.sinks.fetch(sink.sid)).status is SinkStatus.ACTIVE

    renamed = await api.sinks.update(sink.sid, "Ops webhook v2")
    assert renamed.description == "Ops webhook v2"
    assert sink.sid in {s.sid for s in await api.sinks.list(in_use=False)}
    assert sink.sid in {s.sid for s in await api.sinks.list(status="active")}
    assert sink.sid not in {s.sid for s in await api.sinks.list(status="failed")}

    await api.sinks.delete(sink.sid)
    with pytest.raises(NotFoundError):
        await api.sinks.fetch(sink.sid)


async def test_subscription_life_cycle(server: FakeTwilio, api: TwilioMonitorClient) -> None:
    sink = (await api.sinks.list(status="active", limit=1))[0]
    assert sink.sid is not None
    types = [t.type for t in await api.event_types.list(limit=3)]
    assert None not in types
    subscription = await api.subscriptions.create(
        "Delivery events",
        sink.sid,
        [{"type": types[0], "schema_version": 1}, {"type": types[1]}],
    )
    assert subscription.sid is not None
    assert (subscription.sink_sid, subscription.account_sid) == (sink.sid, server.account_sid)
    assert await api.subscriptions.fetch(subscription.sid) == subscription
    assert subscription.sid in {s.sid for s in await api.subscriptions.list(sink_sid=sink.sid)}
    assert sink.sid in {s.sid for s in await api.sinks.list(in_use=True)}
    assert sink.sid not in {s.sid for s in await api.sinks.list(in_use=False)}
    with pytest.raises(BadRequestError, match="Subscription"):
        await api.sinks.delete(sink.sid)

    events = api.subscriptions.subscribed_events(subscription.sid)
    assert {e.type for e in await events.list()} == {types[0], types[1]}
    assert (await events.fetch(types[0])).schema_version == 1
    added = await events.create(types[2])
    assert (added.type, added.subscription_sid) == (types[2], subscription.sid)
    assert len(await events.list(page_size=1)) == 3
    assert (await events.update(types[0], 1)).schema_version == 1
    with pytest.raises(BadRequestError):
        await events.update(types[0], 99)
    await events.delete(types[1])
    with pytest.raises(NotFoundError):
        await events.fetch(types[1])
    assert {e.type for e in await events.list()} == {types[0], types[2]}

    updated = await api.subscriptions.update(subscription.sid, description="Renamed")
    assert updated.description == "Renamed"
    await api.subscriptions.delete(subscription.sid)
    with pytest.raises(NotFoundError):
        await api.subscriptions.fetch(subscription.sid)
    with pytest.raises(NotFoundError):
        await events.list()


async def test_subscription_with_unknown_type_is_refused(api: TwilioMonitorClient) -> None:
    sink = (await api.sinks.list(status="active", limit=1))[0]
    assert sink.sid is not None
    with pytest.raises(BadRequestError, match="Unknown event type"):
        await api.subscriptions.create("x", sink.sid, [{"type": "com.twilio.nope"}])
