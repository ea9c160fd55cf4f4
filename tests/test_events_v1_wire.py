"""Events v1 on the wire: every operation's exact request (aioresponses) and decoded fields."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from twilio_monitor_async import (
    EventType,
    Schema,
    SchemaVersion,
    Sink,
    SinkResult,
    SinkStatus,
    SinkType,
    SubscribedEvent,
    Subscription,
    TwilioMonitorClient,
    ValidationError,
)

from ._wire import only, sent

EV = "https://events.twilio.com"
ACCOUNT = "AC" + "0123456789abcdef" * 2
SINK = "DG" + "5" * 32
SUB = "DF" + "6" * 32
TYPE = "com.twilio.messaging.message.delivered"
T1 = datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
T2 = datetime(2026, 4, 5, 6, 7, 8, tzinfo=timezone.utc)
FORM = "application/x-www-form-urlencoded"

WIRE_TYPE = {
    "type": TYPE,
    "schema_id": "Messaging.MessageStatus",
    "date_created": "2026-03-04T05:06:07Z",
    "date_updated": "2026-04-05T06:07:08Z",
    "description": "Message delivered",
    "status": "available",
    "documentation_url": "https://www.twilio.com/docs/events",
    "url": f"{EV}/v1/Types/{TYPE}",
    "links": {"schema": f"{EV}/v1/Schemas/Messaging.MessageStatus"},
}
EVENT_TYPE = EventType(
    type=TYPE,
    schema_id="Messaging.MessageStatus",
    date_created=T1,
    date_updated=T2,
    description="Message delivered",
    status="available",
    documentation_url="https://www.twilio.com/docs/events",
    url=f"{EV}/v1/Types/{TYPE}",
    links={"schema": f"{EV}/v1/Schemas/Messaging.MessageStatus"},
)
WIRE_SINK = {
    "date_created": "2026-03-04T05:06:07Z",
    "date_updated": "2026-04-05T06:07:08Z",
    "description": "My Kinesis Sink",
    "sid": SINK,
    "sink_configuration": {"arn": "arn:aws:kinesis:us-east-1:1:stream/t", "external_id": "42"},
    "sink_type": "kinesis",
    "status": "initialized",
    "url": f"{EV}/v1/Sinks/{SINK}",
    "links": {"sink_test": f"{EV}/v1/Sinks/{SINK}/Test"},
}
SINK_RECORD = Sink(
    date_created=T1,
    date_updated=T2,
    description="My Kinesis Sink",
    sid=SINK,
    sink_configuration={"arn": "arn:aws:kinesis:us-east-1:1:stream/t", "external_id": "42"},
    sink_type=SinkType.KINESIS,
    status=SinkStatus.INITIALIZED,
    url=f"{EV}/v1/Sinks/{SINK}",
    links={"sink_test": f"{EV}/v1/Sinks/{SINK}/Test"},
)
WIRE_SUB = {
    "account_sid": ACCOUNT,
    "sid": SUB,
    "date_created": "2026-03-04T05:06:07Z",
    "date_updated": "2026-04-05T06:07:08Z",
    "description": "A subscription",
    "sink_sid": SINK,
    "url": f"{EV}/v1/Subscriptions/{SUB}",
    "links": {"subscribed_events": f"{EV}/v1/Subscriptions/{SUB}/SubscribedEvents"},
}
SUB_RECORD = Subscription(
    account_sid=ACCOUNT,
    sid=SUB,
    date_created=T1,
    date_updated=T2,
    description="A subscription",
    sink_sid=SINK,
    url=f"{EV}/v1/Subscriptions/{SUB}",
    links={"subscribed_events": f"{EV}/v1/Subscriptions/{SUB}/SubscribedEvents"},
)
WIRE_SUBSCRIBED = {
    "account_sid": ACCOUNT,
    "type": TYPE,
    "schema_version": 2,
    "subscription_sid": SUB,
    "url": f"{EV}/v1/Subscriptions/{SUB}/SubscribedEvents/{TYPE}",
}
SUBSCRIBED_RECORD = SubscribedEvent(
    account_sid=ACCOUNT,
    type=TYPE,
    schema_version=2,
    subscription_sid=SUB,
    url=f"{EV}/v1/Subscriptions/{SUB}/SubscribedEvents/{TYPE}",
)


def one_page(key: str, *records: dict[str, object]) -> dict[str, object]:
    return {"meta": {"key": key, "page": 0, "next_page_url": None}, key: list(records)}


# -- types ---------------------------------------------------------------------------------------
async def test_event_types_list_with_schema_id(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(
        f"{EV}/v1/Types?SchemaId=Messaging.MessageStatus&PageSize=20",
        payload=one_page("types", WIRE_TYPE),
    )
    types = await client.event_types.list(schema_id="Messaging.MessageStatus", limit=20)
    request = only(mock_http)
    assert (request.method, request.path, request.body) == ("GET", "/v1/Types", None)
    assert dict(request.query) == {"SchemaId": "Messaging.MessageStatus", "PageSize": "20"}
    assert types == [EVENT_TYPE]


async def test_event_type_fetch(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{EV}/v1/Types/{TYPE}", payload=WIRE_TYPE)
    assert await client.event_types.fetch(TYPE) == EVENT_TYPE
    assert only(mock_http).path == f"/v1/Types/{TYPE}"


async def test_event_type_page(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{EV}/v1/Types?PageSize=3", payload=one_page("types", WIRE_TYPE))
    page = await client.event_types.page(page_size=3)
    assert list(page) == [EVENT_TYPE]


# -- schemas -------------------------------------------------------------------------------------
async def test_schema_fetch(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(
        f"{EV}/v1/Schemas/Messaging.MessageStatus",
        payload={
            "id": "Messaging.MessageStatus",
            "url": f"{EV}/v1/Schemas/Messaging.MessageStatus",
            "links": {"versions": f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions"},
            "latest_version_date_created": "2026-03-04T05:06:07Z",
            "latest_version": 3,
        },
    )
    schema = await client.schemas.fetch("Messaging.MessageStatus")
    assert only(mock_http).method == "GET"
    assert schema == Schema(
        id="Messaging.MessageStatus",
        url=f"{EV}/v1/Schemas/Messaging.MessageStatus",
        links={"versions": f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions"},
        latest_version_date_created=T1,
        latest_version=3,
    )


WIRE_VERSION = {
    "id": "Messaging.MessageStatus",
    "schema_version": 2,
    "date_created": "2026-03-04T05:06:07Z",
    "url": f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions/2",
    "raw": f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions/2.json",
}
VERSION = SchemaVersion(
    id="Messaging.MessageStatus",
    schema_version=2,
    date_created=T1,
    url=f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions/2",
    raw=f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions/2.json",
)


async def test_schema_versions_list_and_fetch(mock_http, client: TwilioMonitorClient) -> None:
    base = f"{EV}/v1/Schemas/Messaging.MessageStatus/Versions"
    mock_http.get(f"{base}?PageSize=1000", payload=one_page("schema_versions", WIRE_VERSION))
    mock_http.get(f"{base}/2", payload=WIRE_VERSION)
    versions = client.schemas.versions("Messaging.MessageStatus")
    assert await versions.list() == [VERSION]
    assert await versions.fetch(2) == VERSION
    assert sorted(r.path for r in sent(mock_http)) == [
        "/v1/Schemas/Messaging.MessageStatus/Versions",
        "/v1/Schemas/Messaging.MessageStatus/Versions/2",
    ]


async def test_schema_version_must_be_a_positive_integer(
    mock_http, client: TwilioMonitorClient
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.schemas.versions("X").fetch(0)
    assert caught.value.field == "version"
    assert sent(mock_http) == []


# -- sinks ---------------------------------------------------------------------------------------
async def test_sink_create_sends_configuration_as_json_text(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.post(f"{EV}/v1/Sinks", status=201, payload=WIRE_SINK)
    configuration = {"arn": "arn:aws:kinesis:us-east-1:1:stream/t", "external_id": "42"}
    sink = await client.sinks.create("My Kinesis Sink", configuration, SinkType.KINESIS)
    request = only(mock_http)
    assert (request.method, request.path) == ("POST", "/v1/Sinks")
    assert request.headers["Content-Type"] == FORM
    form = request.form()
    assert [name for name, _ in form] == ["Description", "SinkConfiguration", "SinkType"]
    assert dict(form)["Description"] == "My Kinesis Sink"
    assert json.loads(dict(form)["SinkConfiguration"]) == configuration
    assert dict(form)["SinkType"] == "kinesis"
    assert "Idempotency-Token" not in request.headers
    assert sink == SINK_RECORD


async def test_sink_fetch_update_delete(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{EV}/v1/Sinks/{SINK}", payload=WIRE_SINK)
    mock_http.post(f"{EV}/v1/Sinks/{SINK}", payload={**WIRE_SINK, "description": "renamed"})
    mock_http.delete(f"{EV}/v1/Sinks/{SINK}", status=204)
    assert await client.sinks.fetch(SINK) == SINK_RECORD
    updated = await client.sinks.update(SINK, "renamed")
    assert updated.description == "renamed"
    assert await client.sinks.delete(SINK) is None
    by_method = {r.method: r for r in sent(mock_http)}
    assert set(by_method) == {"GET", "POST", "DELETE"}
    assert by_method["POST"].form() == [("Description", "renamed")]
    assert by_method["GET"].body is None
    assert by_method["DELETE"].body is None
    assert {r.path for r in by_method.values()} == {f"/v1/Sinks/{SINK}"}


async def test_sink_list_filters(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.get(
        f"{EV}/v1/Sinks?InUse=false&Status=active&PageSize=10", payload=one_page("sinks", WIRE_SINK)
    )
    sinks = await client.sinks.list(in_use=False, status="ACTIVE", limit=10)
    assert dict(only(mock_http).query) == {"InUse": "false", "Status": "active", "PageSize": "10"}
    assert sinks == [SINK_RECORD]


async def test_sink_test_and_validate(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.post(f"{EV}/v1/Sinks/{SINK}/Test", status=201, payload={"result": "submitted"})
    mock_http.post(f"{EV}/v1/Sinks/{SINK}/Validate", status=201, payload={"result": "valid"})
    assert await client.sinks.test(SINK) == SinkResult(result="submitted")
    assert await client.sinks.validate(SINK, "TestId1") == SinkResult(result="valid")
    by_path = {r.path: r for r in sent(mock_http)}
    assert by_path[f"/v1/Sinks/{SINK}/Test"].method == "POST"
    assert by_path[f"/v1/Sinks/{SINK}/Test"].body is None
    assert by_path[f"/v1/Sinks/{SINK}/Validate"].form() == [("TestId", "TestId1")]


async def test_sink_unknown_enum_values_stay_strings(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{EV}/v1/Sinks/{SINK}", payload={**WIRE_SINK, "sink_type": "pubsub", "status": "paused"}
    )
    sink = await client.sinks.fetch(SINK)
    assert (sink.sink_type, sink.status) == ("pubsub", "paused")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.sinks.create("", {"a": 1}, "kinesis"), "description"),
        (lambda c: c.sinks.create("d", "{}", "kinesis"), "sink_configuration"),
        (lambda c: c.sinks.create("d", {"a": object()}, "kinesis"), "sink_configuration"),
        (lambda c: c.sinks.create("d", {"a": 1}, "pubsub"), "sink_type"),
        (lambda c: c.sinks.fetch("DF" + "6" * 32), "sid"),
        (lambda c: c.sinks.test("DG123"), "sid"),
        (lambda c: c.sinks.validate(SINK, ""), "test_id"),
        (lambda c: c.sinks.list(in_use="yes"), "in_use"),
        (lambda c: c.sinks.list(status="broken"), "status"),
    ],
)
async def test_sink_arguments_refused_before_sending(
    mock_http, client: TwilioMonitorClient, call, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(client)
    assert caught.value.field == field
    assert sent(mock_http) == []


# -- subscriptions -------------------------------------------------------------------------------
async def test_subscription_create_repeats_types(mock_http, client: TwilioMonitorClient) -> None:
    mock_http.post(f"{EV}/v1/Subscriptions", status=201, payload=WIRE_SUB)
    subscription = await client.subscriptions.create(
        "A subscription",
        SINK,
        types=[
            {"type": TYPE, "schema_version": 1},
            {"type": "com.twilio.messaging.message.failed"},
        ],
    )
    request = only(mock_http)
    assert (request.method, request.path) == ("POST", "/v1/Subscriptions")
    assert request.headers["Content-Type"] == FORM
    form = request.form()
    assert [name for name, _ in form] == ["Description", "SinkSid", "Types", "Types"]
    assert form[:2] == [("Description", "A subscription"), ("SinkSid", SINK)]
    assert [json.loads(value) for name, value in form if name == "Types"] == [
        {"type": TYPE, "schema_version": 1},
        {"type": "com.twilio.messaging.message.failed"},
    ]
    assert subscription == SUB_RECORD


async def test_subscription_fetch_update_delete_list(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.get(f"{EV}/v1/Subscriptions/{SUB}", payload=WIRE_SUB)
    mock_http.post(f"{EV}/v1/Subscriptions/{SUB}", payload={**WIRE_SUB, "description": "new"})
    mock_http.delete(f"{EV}/v1/Subscriptions/{SUB}", status=204)
    mock_http.get(
        f"{EV}/v1/Subscriptions?SinkSid={SINK}&PageSize=1000",
        payload=one_page("subscriptions", WIRE_SUB),
    )
    assert await client.subscriptions.fetch(SUB) == SUB_RECORD
    assert (await client.subscriptions.update(SUB, description="new")).description == "new"
    await client.subscriptions.delete(SUB)
    assert await client.subscriptions.list(sink_sid=SINK) == [SUB_RECORD]
    requests = sent(mock_http)
    post = next(r for r in requests if r.method == "POST")
    assert post.form() == [("Description", "new")]
    listing = next(r for r in requests if r.path == "/v1/Subscriptions")
    assert dict(listing.query) == {"SinkSid": SINK, "PageSize": "1000"}
    assert {r.method for r in requests} == {"GET", "POST", "DELETE"}


@pytest.mark.parametrize(
    ("types", "field"),
    [
        ([], "types"),
        ("com.twilio.x", "types"),
        ([{"schema_version": 1}], "types[0]"),
        ([{"type": TYPE}, {"type": TYPE, "schema_version": 0}], "types[1]"),
        ([{"type": TYPE, "version": 1}], "types[0]"),
        ([TYPE], "types[0]"),
    ],
)
async def test_subscription_types_are_checked(
    mock_http, client: TwilioMonitorClient, types: object, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.subscriptions.create("d", SINK, types)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert sent(mock_http) == []


async def test_subscription_sids_are_checked(mock_http, client: TwilioMonitorClient) -> None:
    with pytest.raises(ValidationError, match="sink_sid"):
        await client.subscriptions.create("d", SUB, [{"type": TYPE}])
    with pytest.raises(ValidationError, match="sink_sid"):
        await client.subscriptions.list(sink_sid="DG1")
    with pytest.raises(ValidationError, match="subscription_sid"):
        await client.subscriptions.subscribed_events("DF1").list()
    assert sent(mock_http) == []


# -- subscribed events ---------------------------------------------------------------------------
async def test_subscribed_events_every_operation(mock_http, client: TwilioMonitorClient) -> None:
    base = f"{EV}/v1/Subscriptions/{SUB}/SubscribedEvents"
    mock_http.get(f"{base}?PageSize=1000", payload=one_page("types", WIRE_SUBSCRIBED))
    mock_http.post(base, status=201, payload=WIRE_SUBSCRIBED)
    mock_http.get(f"{base}/{TYPE}", payload=WIRE_SUBSCRIBED)
    mock_http.post(f"{base}/{TYPE}", payload={**WIRE_SUBSCRIBED, "schema_version": 3})
    mock_http.delete(f"{base}/{TYPE}", status=204)
    events = client.subscriptions.subscribed_events(SUB)
    assert await events.list() == [SUBSCRIBED_RECORD]
    assert await events.create(TYPE, schema_version=2) == SUBSCRIBED_RECORD
    assert await events.fetch(TYPE) == SUBSCRIBED_RECORD
    assert (await events.update(TYPE, 3)).schema_version == 3
    await events.delete(TYPE)
    requests = {(r.method, r.path): r for r in sent(mock_http)}
    path = f"/v1/Subscriptions/{SUB}/SubscribedEvents"
    assert set(requests) == {
        ("GET", path),
        ("POST", path),
        ("GET", f"{path}/{TYPE}"),
        ("POST", f"{path}/{TYPE}"),
        ("DELETE", f"{path}/{TYPE}"),
    }
    assert requests["POST", path].form() == [("Type", TYPE), ("SchemaVersion", "2")]
    assert requests["POST", f"{path}/{TYPE}"].form() == [("SchemaVersion", "3")]


async def test_subscribed_event_create_without_version(
    mock_http, client: TwilioMonitorClient
) -> None:
    mock_http.post(
        f"{EV}/v1/Subscriptions/{SUB}/SubscribedEvents", status=201, payload=WIRE_SUBSCRIBED
    )
    await client.subscriptions.subscribed_events(SUB).create(TYPE)
    assert only(mock_http).form() == [("Type", TYPE)]


async def test_subscribed_event_update_needs_a_version(
    mock_http, client: TwilioMonitorClient
) -> None:
    with pytest.raises(ValidationError) as caught:
        await client.subscriptions.subscribed_events(SUB).update(TYPE, None)  # type: ignore[arg-type]
    assert caught.value.field == "schema_version"
    assert sent(mock_http) == []
