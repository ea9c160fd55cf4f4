"""Monitor v2 Alarms on the wire: exact requests (aioresponses) and every decoded field."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from twilio_monitor_async import (
    Alarm,
    AlarmConfig,
    AlarmLimitError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    QueryType,
    TimeWindow,
    TwilioMonitorClient,
)

from ._wire import only, sent
from .conftest import API

SID = "AK" + "0a1b2c3d" * 4
URL = f"{API}/v2/Alarms"

WIRE_ALARM = {
    "sid": SID,
    "alertConfigSid": SID,
    "friendlyName": "High CPU Usage",
    "description": "Error 11200 above threshold",
    "queryType": "ERROR_CODE",
    "query": "11200",
    "triggerValue": 90,
    "timeWindow": "FIFTEEN_MINS",
    "email": ["admin@example.com", "ops@example.com"],
    "webhook": "https://example.com/alerts",
    "consoleIndicator": True,
    "enabled": False,
    "product": "Multiple",
    "datasetName": "ReportCenter.DebugEvents",
    "dateCreated": "2026-01-02T03:04:05Z",
    "dateUpdated": "2026-02-03T04:05:06Z",
    "dateUpdatedEpochMilli": 1770091506000,
}


def config(**changes: object) -> AlarmConfig:
    fields: dict[str, object] = {
        "friendly_name": "High CPU Usage",
        "description": "Error 11200 above threshold",
        "query_type": QueryType.ERROR_CODE,
        "query": "11200",
        "trigger_value": 90,
        "time_window": TimeWindow.FIVE_MINS,
        "email": ["admin@example.com"],
        "webhook": "https://example.com/alerts",
        "console_indicator": True,
        "enabled": True,
    }
    fields.update(changes)
    return AlarmConfig(**fields)  # type: ignore[arg-type]


def assert_full_alarm(alarm: Alarm) -> None:
    assert alarm == Alarm(
        sid=SID,
        alert_config_sid=SID,
        friendly_name="High CPU Usage",
        description="Error 11200 above threshold",
        query_type=QueryType.ERROR_CODE,
        query="11200",
        trigger_value=90,
        time_window=TimeWindow.FIFTEEN_MINS,
        email=("admin@example.com", "ops@example.com"),
        webhook="https://example.com/alerts",
        console_indicator=True,
        enabled=False,
        product="Multiple",
        dataset_name="ReportCenter.DebugEvents",
        date_created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
        date_updated=datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
        date_updated_epoch_milli=datetime(2026, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
    )


async def test_create_sends_camel_case_json_and_a_uuid4_token(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.post(URL, status=201, payload={"sid": SID})
    assert await client.alarms.create(config()) == SID
    request = only(mock_http)
    assert (request.method, request.url) == ("POST", URL)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"].startswith("Basic ")
    assert uuid.UUID(request.headers["Idempotency-Token"]).version == 4
    assert request.json() == {
        "friendlyName": "High CPU Usage",
        "description": "Error 11200 above threshold",
        "queryType": "ERROR_CODE",
        "query": "11200",
        "triggerValue": 90,
        "timeWindow": "FIVE_MINS",
        "email": ["admin@example.com"],
        "webhook": "https://example.com/alerts",
        "consoleIndicator": True,
        "enabled": True,
    }


async def test_create_omits_unset_optional_fields_and_normalises_enums(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.post(URL, status=201, payload={"sid": SID})
    minimal = AlarmConfig(
        friendly_name="Any error",
        description="everything",
        query_type="all",
        trigger_value=1,
        time_window="one_day",
        console_indicator=True,
        enabled=False,
    )
    await client.alarms.create(minimal, idempotency_token="my-token-1")
    request = only(mock_http)
    assert request.headers["Idempotency-Token"] == "my-token-1"
    assert request.json() == {
        "friendlyName": "Any error",
        "description": "everything",
        "queryType": "ALL",
        "triggerValue": 1,
        "timeWindow": "ONE_DAY",
        "consoleIndicator": True,
        "enabled": False,
    }


async def test_each_call_gets_its_own_token(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.post(URL, status=201, payload={"sid": SID}, repeat=True)
    await client.alarms.create(config())
    await client.alarms.create(config())
    tokens = {r.headers["Idempotency-Token"] for r in sent(mock_http)}
    assert len(tokens) == 2


async def test_a_retried_create_carries_the_same_token(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.post(URL, status=503, payload={"code": 20500, "message": "busy"})
    mock_http.post(URL, status=201, payload={"sid": SID})
    assert await client.alarms.create(config()) == SID
    requests = sent(mock_http)
    assert len(requests) == 2
    assert requests[0].headers["Idempotency-Token"] == requests[1].headers["Idempotency-Token"]
    assert requests[0].body == requests[1].body
    assert client.stats.retries["503"] == 1


async def test_limit_409_raises_alarm_limit_error_without_retrying(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.post(
        URL,
        status=409,
        payload={
            "code": 20409,
            "message": "Alarm limit of 100 reached",
            "http_status_code": 409,
            "user_error": True,
        },
    )
    with pytest.raises(AlarmLimitError) as caught:
        await client.alarms.create(config())
    error = caught.value
    assert isinstance(error, ConflictError)
    assert (error.status, error.code, error.message) == (409, 20409, "Alarm limit of 100 reached")
    assert error.method == "POST"
    assert len(sent(mock_http)) == 1


async def test_400_surfaces_the_server_message(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.post(
        URL,
        status=400,
        payload={
            "code": 20001,
            "message": "triggerValue must be at least 1",
            "http_status_code": 400,
            "user_error": True,
        },
    )
    with pytest.raises(BadRequestError, match="triggerValue must be at least 1") as caught:
        await client.alarms.create(config())
    assert caught.value.code == 20001


async def test_fetch_decodes_every_field(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{URL}/{SID}", payload=WIRE_ALARM)
    alarm = await client.alarms.fetch(SID)
    request = only(mock_http)
    assert (request.method, request.url, request.body) == ("GET", f"{URL}/{SID}", None)
    assert_full_alarm(alarm)
    assert alarm.id == SID


async def test_fetch_keeps_unknown_enum_values_and_ignores_unknown_fields(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{URL}/{SID}",
        payload={
            "alertConfigSid": SID,
            "queryType": "LATENCY",
            "timeWindow": "ONE_WEEK",
            "email": None,
            "newField": {"x": 1},
        },
    )
    alarm = await client.alarms.fetch(SID)
    assert (alarm.query_type, alarm.time_window, alarm.email) == ("LATENCY", "ONE_WEEK", None)
    assert alarm.id == SID
    assert alarm.sid is None


async def test_fetch_404(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{URL}/{SID}", status=404, payload={"code": 20404, "message": "not found"})
    with pytest.raises(NotFoundError):
        await client.alarms.fetch(SID)


async def test_update_puts_the_full_config(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.put(f"{URL}/{SID}", payload={"sid": SID})
    new = config(query_type="LOG_LEVEL", query="warning", email=(), time_window="ONE_HOUR")
    assert await client.alarms.update(SID, new) == SID
    request = only(mock_http)
    assert (request.method, request.url) == ("PUT", f"{URL}/{SID}")
    assert "Idempotency-Token" not in request.headers
    assert request.json() == {
        "friendlyName": "High CPU Usage",
        "description": "Error 11200 above threshold",
        "queryType": "LOG_LEVEL",
        "query": "WARNING",
        "triggerValue": 90,
        "timeWindow": "ONE_HOUR",
        "webhook": "https://example.com/alerts",
        "consoleIndicator": True,
        "enabled": True,
    }


async def test_delete(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.delete(f"{URL}/{SID}", status=204)
    assert await client.alarms.delete(SID) is None
    request = only(mock_http)
    assert (request.method, request.url, request.body) == ("DELETE", f"{URL}/{SID}", None)


@pytest.mark.parametrize("enabled", [True, False])
async def test_set_enabled(mock_http, client: TwilioMonitorClient, enabled: bool) -> None:
    mock_http.put(f"{URL}/{SID}/status", status=204)
    await client.alarms.set_enabled(SID, enabled)
    request = only(mock_http)
    assert (request.method, request.url) == ("PUT", f"{URL}/{SID}/status")
    assert request.headers["Content-Type"] == "application/json"
    assert request.json() == {"enabled": enabled}


async def test_set_enabled_refuses_a_non_boolean(mock_http, client: TwilioMonitorClient) -> None:
    with pytest.raises(ValueError, match="enabled"):
        await client.alarms.set_enabled(SID, "yes")  # type: ignore[arg-type]
    assert sent(mock_http) == []


async def test_list_with_sort_order_and_paging(mock_http, client: TwilioMonitorClient) -> None:
    second = f"{URL}?SortOrder=desc&PageSize=1&Page=1&PageToken=PA{SID}"
    mock_http.get(
        f"{URL}?SortOrder=desc&PageSize=1",
        payload={
            "alarms": [WIRE_ALARM],
            "meta": {"key": "alarms", "page": 0, "page_size": 1, "next_page_url": second},
        },
    )
    mock_http.get(
        second,
        payload={"alarms": [], "meta": {"key": "alarms", "page": 1, "next_page_url": None}},
    )
    alarms = await client.alarms.list(sort_order="desc", page_size=1)
    assert [dict(r.query) for r in sent(mock_http)] == [
        {"SortOrder": "desc", "PageSize": "1"},
        {"SortOrder": "desc", "PageSize": "1", "Page": "1", "PageToken": f"PA{SID}"},
    ]
    assert len(alarms) == 1
    assert_full_alarm(alarms[0])


async def test_page_returns_one_page(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(
        f"{URL}?SortOrder=asc&PageSize=5",
        payload={"alarms": [WIRE_ALARM], "meta": {"key": "alarms", "next_page_url": None}},
    )
    page = await client.alarms.page(sort_order="asc", page_size=5)
    assert [a.sid for a in page] == [SID]
    assert page.next_page_url is None


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.alarms.fetch("AK123"), "sid"),
        (lambda c: c.alarms.fetch("NO" + "0" * 32), "sid"),
        (lambda c: c.alarms.delete("nope"), "sid"),
        (lambda c: c.alarms.list(sort_order="sideways"), "sort_order"),
        (lambda c: c.alarms.create(config(), idempotency_token=""), "idempotency_token"),
        (lambda c: c.alarms.create({"friendly_name": "x"}), "config"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    mock_http, client: TwilioMonitorClient, call, field: str
) -> None:
    with pytest.raises(ValueError, match=field) as caught:
        await call(client)
    assert caught.value.field == field  # type: ignore[attr-defined]
    assert sent(mock_http) == []
