"""The fake's Events v1: event types, schemas and versions, sinks, subscriptions.

Types and schemas are seeded and read-only, as on the real service. Sinks and subscriptions are
stateful with the service's workflow: a new sink is ``initialized``; ``Test`` sends a test event
(its id is kept in ``state.extra["events_v1"]["sink_tests"][sink_sid]``, where a test reads it
as it would read the event from its Kinesis stream or webhook); ``Validate`` with that id makes
the sink ``active``; only an active sink can receive a subscription; a sink in use cannot be
deleted. Form bodies are read the way Twilio reads them: ``SinkConfiguration`` is a JSON string,
``Types`` is the key repeated with one JSON object per value.
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

import orjson
from multidict import MultiDictProxy

from ..sansio import Response
from ._http import FakeRequest, no_content
from ._routes import CustomRoute, InstanceRoute, ListRoute, json_response, serve_list, twilio_error
from ._seed import iso, make_sid, spread
from ._state import ServerState
from ._store import Collection, Match, Record

SIZES = {"event_types": 21, "sinks": 3, "subscriptions": 3}

HOST = "https://events.twilio.com"
SINK_TYPES = ("kinesis", "webhook", "segment", "email")
SINK_STATUSES = ("initialized", "validating", "active", "failed")
_PRODUCTS = {
    "messaging.message": ("sent", "delivered", "failed", "undelivered", "read", "queued"),
    "voice.insights.call-summary": ("complete", "partial", "predicted-complete"),
    "voice.status-callback.call": ("initiated", "ringing", "answered", "completed"),
    "studio.flow-execution": ("started", "ended"),
    "taskrouter.task": ("created", "completed", "canceled"),
    "conversations.message": ("added", "updated", "removed"),
}
#: Each product's schema id, named as the Events API names them (the spec: Messaging.MessageStatus).
_SCHEMA_IDS = {
    "messaging.message": "Messaging.MessageStatus",
    "voice.insights.call-summary": "VoiceInsights.CallSummary",
    "voice.status-callback.call": "Voice.StatusCallback",
    "studio.flow-execution": "Studio.FlowExecution",
    "taskrouter.task": "TaskRouter.Task",
    "conversations.message": "Conversations.Message",
}
#: Schemas whose versions go at least this far (the spec's examples subscribe to version 2).
_MIN_LATEST = {"Messaging.MessageStatus": 2}
_SID_PATTERNS = {"DG": re.compile(r"DG[0-9a-fA-F]{32}"), "DF": re.compile(r"DF[0-9a-fA-F]{32}")}


def _extra(state: ServerState) -> dict[str, Any]:
    extra: dict[str, Any] = state.extra.setdefault("events_v1", {})
    return extra


def _bad(message: str) -> Response:
    return twilio_error(400, 20001, message)


def _not_found(request: FakeRequest) -> Response:
    return twilio_error(404, 20404, f"The requested resource {request.path} was not found")


# -- records -------------------------------------------------------------------------------------
def _sink_record(state: ServerState, sid: str, description: str, config: Any, kind: str) -> Record:
    now = iso(state.now)
    return {
        "date_created": now,
        "date_updated": now,
        "description": description,
        "sid": sid,
        "sink_configuration": config,
        "sink_type": kind,
        "status": "initialized",
        "url": f"{HOST}/v1/Sinks/{sid}",
        "links": {
            "sink_test": f"{HOST}/v1/Sinks/{sid}/Test",
            "sink_validate": f"{HOST}/v1/Sinks/{sid}/Validate",
        },
    }


def _subscription_record(state: ServerState, sid: str, description: str, sink_sid: str) -> Record:
    now = iso(state.now)
    return {
        "account_sid": state.account_sid,
        "sid": sid,
        "date_created": now,
        "date_updated": now,
        "description": description,
        "sink_sid": sink_sid,
        "url": f"{HOST}/v1/Subscriptions/{sid}",
        "links": {"subscribed_events": f"{HOST}/v1/Subscriptions/{sid}/SubscribedEvents"},
    }


def _subscribed_record(
    state: ServerState, subscription_sid: str, kind: str, version: int
) -> Record:
    return {
        "account_sid": state.account_sid,
        "type": kind,
        "schema_version": version,
        "subscription_sid": subscription_sid,
        "url": f"{HOST}/v1/Subscriptions/{subscription_sid}/SubscribedEvents/{kind}",
    }


def _latest_version(state: ServerState, event_type: str) -> int | None:
    record = state.collections["event_types"].get(event_type)
    if record is None:
        return None
    schema = state.collections["schemas"].get(record["schema_id"])
    return None if schema is None else int(schema["latest_version"])


def _version_exists(state: ServerState, event_type: str, version: int) -> bool:
    record = state.collections["event_types"].get(event_type)
    if record is None:
        return False
    url = f"{HOST}/v1/Schemas/{record['schema_id']}/Versions/{version}"
    return url in state.collections["schema_versions"]


def _new_sid(state: ServerState, prefix: str) -> str:
    rng: random.Random = _extra(state).setdefault("rng", random.Random(1))
    return make_sid(rng, prefix)


# -- handlers ------------------------------------------------------------------------------------
def _sid_in_path(request: FakeRequest, name: str, prefix: str) -> str | None:
    value = request.match_info[name]
    return value if _SID_PATTERNS[prefix].fullmatch(value) else None


async def fetch_schema_version(state: ServerState, request: FakeRequest) -> Response:
    url = f"{HOST}/v1/Schemas/{request.match_info['Id']}/Versions/{request.match_info['Version']}"
    record = state.collections["schema_versions"].get(url)
    return _not_found(request) if record is None else json_response(record)


async def create_sink(state: ServerState, request: FakeRequest) -> Response:
    body = await request.post()
    description = body.get("Description")
    kind = body.get("SinkType")
    raw_config = body.get("SinkConfiguration")
    if not isinstance(description, str) or not description:
        return _bad("Missing required parameter Description in the post body")
    if kind not in SINK_TYPES:
        return _bad(f"SinkType must be one of {', '.join(SINK_TYPES)}")
    if not isinstance(raw_config, str):
        return _bad("Missing required parameter SinkConfiguration in the post body")
    try:
        config = orjson.loads(raw_config)
    except orjson.JSONDecodeError:
        config = None
    if not isinstance(config, dict):
        return _bad("SinkConfiguration must be a JSON object")
    record = _sink_record(state, _new_sid(state, "DG"), description, config, str(kind))
    state.collections["sinks"].add(record)
    return json_response(record, status=201)


def _sink(state: ServerState, request: FakeRequest) -> Record | None:
    sid = _sid_in_path(request, "Sid", "DG")
    return None if sid is None else state.collections["sinks"].get(sid)


async def update_sink(state: ServerState, request: FakeRequest) -> Response:
    sink = _sink(state, request)
    if sink is None:
        return _not_found(request)
    description = (await request.post()).get("Description")
    if not isinstance(description, str) or not description:
        return _bad("Missing required parameter Description in the post body")
    updated = {**sink, "description": description, "date_updated": iso(state.now)}
    state.collections["sinks"].replace(updated)
    return json_response(updated)


async def delete_sink(state: ServerState, request: FakeRequest) -> Response:
    sink = _sink(state, request)
    if sink is None:
        return _not_found(request)
    if any(s["sink_sid"] == sink["sid"] for s in state.collections["subscriptions"]):
        return _bad("The Sink is used by a Subscription; delete the Subscription first")
    state.collections["sinks"].remove(sink["sid"])
    return no_content()


async def test_sink(state: ServerState, request: FakeRequest) -> Response:
    sink = _sink(state, request)
    if sink is None:
        return _not_found(request)
    test_id = _new_sid(state, "DG")[2:]  # the id of the test event the sink receives
    _extra(state).setdefault("sink_tests", {})[sink["sid"]] = test_id
    if sink["status"] != "active":
        state.collections["sinks"].replace({**sink, "status": "validating"})
    return json_response({"result": "submitted"}, status=201)


async def validate_sink(state: ServerState, request: FakeRequest) -> Response:
    sink = _sink(state, request)
    if sink is None:
        return _not_found(request)
    test_id = (await request.post()).get("TestId")
    if not isinstance(test_id, str) or not test_id:
        return _bad("Missing required parameter TestId in the post body")
    expected = _extra(state).get("sink_tests", {}).get(sink["sid"])
    if expected is None or test_id != expected:
        return json_response({"result": "invalid"}, status=201)
    state.collections["sinks"].replace({**sink, "status": "active", "date_updated": iso(state.now)})
    return json_response({"result": "valid"}, status=201)


def _parse_types(
    state: ServerState, body: MultiDictProxy[str]
) -> tuple[list[tuple[str, int]], str | None]:
    wanted: list[tuple[str, int]] = []
    for raw in body.getall("Types", []):
        try:
            item = orjson.loads(raw) if isinstance(raw, str) else None
        except orjson.JSONDecodeError:
            item = None
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            return [], f"Each Types value must be a JSON object with a type, got {raw!r}"
        latest = _latest_version(state, item["type"])
        if latest is None:
            return [], f"Unknown event type {item['type']!r}"
        version = item.get("schema_version", latest)
        if not isinstance(version, int) or not _version_exists(state, item["type"], version):
            return [], f"Unknown schema_version {version!r} for {item['type']!r}"
        wanted.append((item["type"], version))
    if not wanted:
        return [], "Missing required parameter Types in the post body"
    return wanted, None


async def create_subscription(state: ServerState, request: FakeRequest) -> Response:
    body = await request.post()
    description = body.get("Description")
    sink_sid = body.get("SinkSid")
    if not isinstance(description, str) or not description:
        return _bad("Missing required parameter Description in the post body")
    sink = state.collections["sinks"].get(sink_sid) if isinstance(sink_sid, str) else None
    if sink is None:
        return _bad(f"SinkSid {sink_sid!r} is not a Sink of this account")
    if sink["status"] != "active":
        return _bad("Sink must be active for the subscription to be created")
    types, problem = _parse_types(state, body)
    if problem is not None:
        return _bad(problem)
    record = _subscription_record(state, _new_sid(state, "DF"), description, sink["sid"])
    state.collections["subscriptions"].add(record)
    for kind, version in types:
        state.collections["subscribed_events"].add(
            _subscribed_record(state, record["sid"], kind, version)
        )
    return json_response(record, status=201)


def _subscription(state: ServerState, request: FakeRequest, name: str = "Sid") -> Record | None:
    sid = _sid_in_path(request, name, "DF")
    return None if sid is None else state.collections["subscriptions"].get(sid)


async def update_subscription(state: ServerState, request: FakeRequest) -> Response:
    subscription = _subscription(state, request)
    if subscription is None:
        return _not_found(request)
    description = (await request.post()).get("Description")
    updated = dict(subscription)
    if isinstance(description, str) and description:
        updated["description"] = description
    updated["date_updated"] = iso(state.now)
    state.collections["subscriptions"].replace(updated)
    return json_response(updated)


async def delete_subscription(state: ServerState, request: FakeRequest) -> Response:
    subscription = _subscription(state, request)
    if subscription is None:
        return _not_found(request)
    subscribed = state.collections["subscribed_events"]
    for record in [r for r in subscribed if r["subscription_sid"] == subscription["sid"]]:
        subscribed.remove(record["url"])
    state.collections["subscriptions"].remove(subscription["sid"])
    return no_content()


def _subscribed_url(subscription_sid: str, kind: str) -> str:
    return f"{HOST}/v1/Subscriptions/{subscription_sid}/SubscribedEvents/{kind}"


async def create_subscribed_event(state: ServerState, request: FakeRequest) -> Response:
    subscription = _subscription(state, request, "SubscriptionSid")
    if subscription is None:
        return _not_found(request)
    body = await request.post()
    kind = body.get("Type")
    if not isinstance(kind, str) or _latest_version(state, kind) is None:
        return _bad(f"Unknown event type {kind!r}")
    raw_version = body.get("SchemaVersion")
    version = _latest_version(state, kind) if raw_version is None else None
    if raw_version is not None and isinstance(raw_version, str) and raw_version.isdigit():
        version = int(raw_version)
    if version is None or not _version_exists(state, kind, version):
        return _bad(f"Unknown SchemaVersion {raw_version!r} for {kind!r}")
    record = _subscribed_record(state, subscription["sid"], kind, version)
    subscribed = state.collections["subscribed_events"]
    if record["url"] in subscribed:
        subscribed.replace(record)
        return json_response(record, status=200)
    subscribed.add(record)
    return json_response(record, status=201)


def _subscribed(state: ServerState, request: FakeRequest) -> Record | None:
    subscription = _subscription(state, request, "SubscriptionSid")
    if subscription is None:
        return None
    url = _subscribed_url(subscription["sid"], request.match_info["Type"])
    return state.collections["subscribed_events"].get(url)


async def fetch_subscribed_event(state: ServerState, request: FakeRequest) -> Response:
    record = _subscribed(state, request)
    return _not_found(request) if record is None else json_response(record)


async def update_subscribed_event(state: ServerState, request: FakeRequest) -> Response:
    record = _subscribed(state, request)
    if record is None:
        return _not_found(request)
    raw_version = (await request.post()).get("SchemaVersion")
    if not isinstance(raw_version, str) or not raw_version.isdigit():
        return _bad("SchemaVersion must be a positive integer")
    if not _version_exists(state, record["type"], int(raw_version)):
        return _bad(f"Unknown SchemaVersion {raw_version} for {record['type']!r}")
    updated = {**record, "schema_version": int(raw_version)}
    state.collections["subscribed_events"].replace(updated)
    return json_response(updated)


async def delete_subscribed_event(state: ServerState, request: FakeRequest) -> Response:
    record = _subscribed(state, request)
    if record is None:
        return _not_found(request)
    state.collections["subscribed_events"].remove(record["url"])
    return no_content()


_VERSIONS = ListRoute(
    "/v1/Schemas/{Id}/Versions",
    "schema_versions",
    "schema_versions",
    scope=lambda s, r: _versions_scope(s, r),
)
_SUBSCRIBED = ListRoute(
    "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents",
    "subscribed_events",
    "types",
    scope=lambda s, r: _subscribed_scope(s, r),
)


async def list_schema_versions(state: ServerState, request: FakeRequest) -> Response:
    # A list under a parent that does not exist is a 404, not an empty page.
    if request.match_info["Id"] not in state.collections["schemas"]:
        return _not_found(request)
    return await serve_list(_VERSIONS, state, request)


async def list_subscribed_events(state: ServerState, request: FakeRequest) -> Response:
    if _subscription(state, request, "SubscriptionSid") is None:
        return _not_found(request)
    return await serve_list(_SUBSCRIBED, state, request)


# -- scopes --------------------------------------------------------------------------------------
def _versions_scope(state: ServerState, request: FakeRequest) -> Any:
    schema_id = request.match_info["Id"]
    return lambda record: record["id"] == schema_id


def _subscribed_scope(state: ServerState, request: FakeRequest) -> Any:
    subscription_sid = request.match_info["SubscriptionSid"]
    return lambda record: record["subscription_sid"] == subscription_sid


def _sinks_in_use_scope(state: ServerState, request: FakeRequest) -> Any:
    raw = request.query.get("InUse")
    if raw is None:
        return None
    used = {s["sink_sid"] for s in state.collections["subscriptions"]}
    wanted = raw.lower() == "true"
    return lambda record: (record["sid"] in used) == wanted


# -- seed ----------------------------------------------------------------------------------------
def seed(
    state: ServerState, rng: random.Random, *, event_types: int, sinks: int, subscriptions: int
) -> None:
    _extra(state)["rng"] = rng
    names = [
        (f"com.twilio.{product}.{action}", product)
        for product, actions in _PRODUCTS.items()
        for action in actions
    ][:event_types]  # at most the 21 realistic names above
    type_records: list[Record] = []
    schema_records: dict[str, Record] = {}
    version_records: list[Record] = []
    for name, product in names:
        schema_id = _SCHEMA_IDS[product]
        created = spread(rng, state.now, timedelta(days=700))
        type_records.append(
            {
                "type": name,
                "schema_id": schema_id,
                "date_created": iso(created),
                "date_updated": iso(created + timedelta(days=rng.randrange(30))),
                "description": f"{product.replace('.', ' ')} {name.rsplit('.', 1)[1]}",
                "status": "available",
                "documentation_url": f"https://www.twilio.com/docs/events/event-types/{product}",
                # Not in today's spec, but in the bodies Twilio publishes (its helpers' tests).
                "public": True,
                "url": f"{HOST}/v1/Types/{name}",
                "links": {"schema": f"{HOST}/v1/Schemas/{schema_id}"},
            }
        )
        if schema_id not in schema_records:
            latest = max(rng.randrange(1, 4), _MIN_LATEST.get(schema_id, 1))
            for version in range(1, latest + 1):
                version_records.append(
                    {
                        "id": schema_id,
                        "schema_version": version,
                        "date_created": iso(created - timedelta(days=40 * (latest - version))),
                        "url": f"{HOST}/v1/Schemas/{schema_id}/Versions/{version}",
                        "raw": f"{HOST}/v1/Schemas/{schema_id}/Versions/{version}.json",
                        "public": True,
                    }
                )
            schema_records[schema_id] = {
                "id": schema_id,
                "url": f"{HOST}/v1/Schemas/{schema_id}",
                "links": {"versions": f"{HOST}/v1/Schemas/{schema_id}/Versions"},
                "latest_version_date_created": version_records[-1]["date_created"],
                "latest_version": latest,
            }
    state.collections["event_types"] = Collection(type_records, id_field="type")
    state.collections["schemas"] = Collection(schema_records.values(), id_field="id")
    state.collections["schema_versions"] = Collection(version_records, id_field="url")

    sink_records = []
    for index in range(sinks):
        kind = SINK_TYPES[index % 3]
        config = {
            "kinesis": {
                "arn": "arn:aws:kinesis:us-east-1:111111111:stream/twilio-events",
                "role_arn": "arn:aws:iam::111111111:role/TwilioEvents",
                "external_id": f"{rng.getrandbits(40):010x}",
            },
            "webhook": {
                "destination": "https://hooks.example.com/twilio-events",
                "method": "POST",
                "batch_events": False,
            },
            "segment": {"write_key": f"{rng.getrandbits(64):016x}"},
        }[kind]
        record = _sink_record(state, make_sid(rng, "DG"), f"Seeded {kind} sink", config, kind)
        record["status"] = "active"
        sink_records.append(record)
    state.collections["sinks"] = Collection(sink_records)

    subscription_records: list[Record] = []
    subscribed_records: list[Record] = []
    for index in range(subscriptions if sink_records else 0):
        sink = sink_records[index % len(sink_records)]
        record = _subscription_record(
            state, make_sid(rng, "DF"), f"Seeded subscription {index + 1}", sink["sid"]
        )
        subscription_records.append(record)
        for name, _ in rng.sample(names, min(3, len(names))):
            subscribed_records.append(
                _subscribed_record(
                    state,
                    record["sid"],
                    name,
                    _latest_version_in(name, type_records, schema_records),
                )
            )
    state.collections["subscriptions"] = Collection(subscription_records)
    state.collections["subscribed_events"] = Collection(subscribed_records, id_field="url")


def _latest_version_in(name: str, types: list[Record], schemas: dict[str, Record]) -> int:
    schema_id = next(t["schema_id"] for t in types if t["type"] == name)
    return int(schemas[schema_id]["latest_version"])


ROUTES = (
    ListRoute("/v1/Types", "event_types", "types", {"SchemaId": Match("schema_id")}),
    InstanceRoute("/v1/Types/{Type}", "event_types", id_param="Type"),
    InstanceRoute("/v1/Schemas/{Id}", "schemas", id_param="Id"),
    CustomRoute("GET", "/v1/Schemas/{Id}/Versions", list_schema_versions),
    CustomRoute("GET", "/v1/Schemas/{Id}/Versions/{Version}", fetch_schema_version),
    ListRoute(
        "/v1/Sinks", "sinks", "sinks", {"Status": Match("status")}, scope=_sinks_in_use_scope
    ),
    CustomRoute("POST", "/v1/Sinks", create_sink),
    InstanceRoute("/v1/Sinks/{Sid}", "sinks"),
    CustomRoute("POST", "/v1/Sinks/{Sid}", update_sink),
    CustomRoute("DELETE", "/v1/Sinks/{Sid}", delete_sink),
    CustomRoute("POST", "/v1/Sinks/{Sid}/Test", test_sink),
    CustomRoute("POST", "/v1/Sinks/{Sid}/Validate", validate_sink),
    ListRoute(
        "/v1/Subscriptions", "subscriptions", "subscriptions", {"SinkSid": Match("sink_sid")}
    ),
    CustomRoute("POST", "/v1/Subscriptions", create_subscription),
    InstanceRoute("/v1/Subscriptions/{Sid}", "subscriptions"),
    CustomRoute("POST", "/v1/Subscriptions/{Sid}", update_subscription),
    CustomRoute("DELETE", "/v1/Subscriptions/{Sid}", delete_subscription),
    CustomRoute(
        "GET", "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents", list_subscribed_events
    ),
    CustomRoute(
        "POST", "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents", create_subscribed_event
    ),
    CustomRoute(
        "GET", "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}", fetch_subscribed_event
    ),
    CustomRoute(
        "POST",
        "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}",
        update_subscribed_event,
    ),
    CustomRoute(
        "DELETE",
        "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}",
        delete_subscribed_event,
    ),
)
