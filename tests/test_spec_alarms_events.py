"""The client's Alarms and Events v1 declarations checked against Twilio's OpenAPI documents.

The YAML files in tests/specs/ are copies of Twilio's public OpenAPI documents. For every
operation the client declares, the method and path must exist in the spec and every wire name
the client can send (query, form, JSON body) must be one the spec knows; every spec operation
must be declared by the client; and the bodies the client sends and the fake serves must
validate against the spec's schemas (openapi-schema-validator, OpenAPI 3.0 dialect).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from twilio_monitor_async import AlarmConfig
from twilio_monitor_async.resources import (
    Alarms,
    EventTypes,
    Schemas,
    SchemaVersions,
    Sinks,
    SubscribedEvents,
    Subscriptions,
)
from twilio_monitor_async.sansio import Endpoint, build_request
from twilio_monitor_async.testing import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FakeTwilio

SPECS = Path(__file__).parent / "specs"
MONITOR_V2 = yaml.safe_load((SPECS / "twilio_monitor_v2.yaml").read_text())
EVENTS_V1 = yaml.safe_load((SPECS / "twilio_events_v1.yaml").read_text())
SPEC_BY_DOMAIN = {"monitor": MONITOR_V2, "events": EVENTS_V1}
RESOURCES = (Alarms, EventTypes, Schemas, SchemaVersions, Sinks, SubscribedEvents, Subscriptions)
#: Wire names the client sends that the OpenAPI documents do not list, each with its reason.
KNOWN_OUTSIDE_SPEC = {
    # Documented (and required) by the Alarms guide, seed 001; the v2 spec omits headers.
    ("POST", "/v2/Alarms", "header", "Idempotency-Token"),
}


def _template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _inline(node: Any, spec: dict[str, Any]) -> Any:
    """The schema with every local ``$ref`` replaced by its target (the specs are acyclic)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = spec
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _inline(target, spec)
        return {key: _inline(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, spec) for item in node]
    return node


def declared() -> Iterator[tuple[str, Endpoint[Any]]]:
    for resource in RESOURCES:
        for name in dir(resource):
            value = getattr(resource, name)
            if isinstance(value, Endpoint):
                yield f"{resource.__name__}.{name}", value


def spec_operation(endpoint: Endpoint[Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    spec = SPEC_BY_DOMAIN[endpoint.domain]
    matches = [p for p in spec["paths"] if _template(p) == _template(endpoint.path)]
    assert matches, f"{endpoint.path} is not a path of the {endpoint.domain} spec"
    operation = spec["paths"][matches[0]].get(endpoint.method.lower())
    assert operation is not None, f"{endpoint.method} {matches[0]} is not in the spec"
    return matches[0], _inline(operation, spec), spec


ENDPOINTS = sorted(declared(), key=lambda item: item[0])


def test_every_spec_operation_is_declared() -> None:
    in_spec = {
        (method.upper(), f"{domain}:{_template(path)}")
        for domain, spec in SPEC_BY_DOMAIN.items()
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "put", "delete", "patch")
    }
    in_client = {(e.method, f"{e.domain}:{_template(e.path)}") for _, e in ENDPOINTS}
    assert in_spec == in_client
    assert len(in_spec) == 28  # 6 Alarms + 22 Events v1 operations


@pytest.mark.parametrize(("name", "endpoint"), ENDPOINTS, ids=[n for n, _ in ENDPOINTS])
def test_wire_names_are_known_to_the_spec(name: str, endpoint: Endpoint[Any]) -> None:
    path, operation, spec = spec_operation(endpoint)
    assert spec["servers"][0]["url"] == f"https://{endpoint.domain}.twilio.com"
    params = {(p["in"], p["name"]): p for p in operation.get("parameters", [])}
    path_params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    declared_path = [n for n, a in endpoint.args.items() if a.location == "path"]
    assert len(declared_path) == len(path_params)
    content = operation.get("requestBody", {}).get("content", {})
    for arg in endpoint.args.values():
        if arg.location == "path":
            continue
        if (endpoint.method, endpoint.path, arg.location, arg.wire) in KNOWN_OUTSIDE_SPEC:
            continue
        if arg.location == "query":
            assert ("query", arg.wire) in params, f"{name}: query {arg.wire} not in spec"
        elif arg.location == "form":
            schema = content["application/x-www-form-urlencoded"]["schema"]
            assert arg.wire in schema["properties"], f"{name}: form {arg.wire} not in spec"
        elif arg.location == "json":
            schema = content["application/json"]["schema"]
            if arg.wire is not None:
                assert arg.wire in schema["properties"]
        else:
            pytest.fail(f"{name}: header {arg.wire} is neither in the spec nor allowed")
    if endpoint.is_list:
        assert ("query", "PageSize") in params
        response = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert endpoint.key in response["properties"]
    if path.endswith(("/Test", "/Validate")):
        assert endpoint.method == "POST"


def _request_schema(method: str, path: str, media: str, spec: dict[str, Any]) -> dict[str, Any]:
    operation = _inline(spec["paths"][path][method], spec)
    schema: dict[str, Any] = operation["requestBody"]["content"][media]["schema"]
    return schema


FULL_CONFIG = AlarmConfig(
    friendly_name="Everything",
    description="every field set",
    query_type="ERROR_CODE",
    query="11200",
    trigger_value=3,
    time_window="ONE_DAY",
    email=["a@example.com"],
    webhook="https://example.com/hook",
    console_indicator=True,
    enabled=False,
)


@pytest.mark.parametrize(("method", "path"), [("post", "/v2/Alarms"), ("put", "/v2/Alarms/{Sid}")])
def test_alarm_bodies_validate_against_the_spec(method: str, path: str) -> None:
    endpoint = Alarms.create_endpoint if method == "post" else Alarms.update_endpoint
    arguments: dict[str, Any] = {"config": FULL_CONFIG, "idempotency_token": "t"}
    if method == "put":
        arguments = {"config": FULL_CONFIG, "sid": "AK" + "0" * 32}
    request = build_request(endpoint, "https://monitor.twilio.com", arguments)
    assert request.body is not None
    body = orjson.loads(request.body)
    schema = _request_schema(method, path, "application/json", MONITOR_V2)
    OAS30Validator(schema).validate(body)
    assert set(body) == set(schema["properties"])  # every field of the spec is sent


def test_alarm_status_body_validates_against_the_spec() -> None:
    request = build_request(
        Alarms.status_endpoint,
        "https://monitor.twilio.com",
        {"sid": "AK" + "0" * 32, "enabled": False},
    )
    assert request.body is not None
    schema = _request_schema("put", "/v2/Alarms/{Sid}/status", "application/json", MONITOR_V2)
    OAS30Validator(schema).validate(orjson.loads(request.body))


# -- the fake's responses against the spec's response schemas ------------------------------------
@pytest.fixture
async def fake_api() -> AsyncIterator[tuple[FakeTwilio, aiohttp.ClientSession]]:
    auth = {"Authorization": aiohttp.encode_basic_auth(FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN)}
    async with FakeTwilio(alerts=1, events=1) as fake, aiohttp.ClientSession(headers=auth) as http:
        yield fake, http


def _response_schema(spec: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    operation = _inline(spec["paths"][path][method], spec)
    schema: dict[str, Any] = operation["responses"][status]["content"]["application/json"]["schema"]
    return schema


async def _get(http: aiohttp.ClientSession, url: str) -> Any:
    async with http.get(url) as response:
        assert response.status == 200, url
        return await response.json()


async def test_fake_responses_follow_the_spec(
    fake_api: tuple[FakeTwilio, aiohttp.ClientSession],
) -> None:
    fake, http = fake_api
    alarm = next(iter(fake.state.collections["alarms"]))
    event_type = next(iter(fake.state.collections["event_types"]))
    sink = next(iter(fake.state.collections["sinks"]))
    subscription = next(iter(fake.state.collections["subscriptions"]))
    subscribed = next(
        r
        for r in fake.state.collections["subscribed_events"]
        if r["subscription_sid"] == subscription["sid"]
    )
    schema_id = event_type["schema_id"]
    checks = [
        (MONITOR_V2, "/v2/Alarms", "/v2/Alarms"),
        (MONITOR_V2, "/v2/Alarms/{Sid}", f"/v2/Alarms/{alarm['sid']}"),
        (EVENTS_V1, "/v1/Types", "/v1/Types"),
        (EVENTS_V1, "/v1/Types/{Type}", f"/v1/Types/{event_type['type']}"),
        (EVENTS_V1, "/v1/Schemas/{Id}", f"/v1/Schemas/{schema_id}"),
        (EVENTS_V1, "/v1/Schemas/{Id}/Versions", f"/v1/Schemas/{schema_id}/Versions"),
        (
            EVENTS_V1,
            "/v1/Schemas/{Id}/Versions/{SchemaVersion}",
            f"/v1/Schemas/{schema_id}/Versions/1",
        ),
        (EVENTS_V1, "/v1/Sinks", "/v1/Sinks"),
        (EVENTS_V1, "/v1/Sinks/{Sid}", f"/v1/Sinks/{sink['sid']}"),
        (EVENTS_V1, "/v1/Subscriptions", "/v1/Subscriptions"),
        (EVENTS_V1, "/v1/Subscriptions/{Sid}", f"/v1/Subscriptions/{subscription['sid']}"),
        (
            EVENTS_V1,
            "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents",
            f"/v1/Subscriptions/{subscription['sid']}/SubscribedEvents",
        ),
        (
            EVENTS_V1,
            "/v1/Subscriptions/{SubscriptionSid}/SubscribedEvents/{Type}",
            f"/v1/Subscriptions/{subscription['sid']}/SubscribedEvents/{subscribed['type']}",
        ),
    ]
    for spec, spec_path, path in checks:
        data = await _get(http, fake.url + path)
        schema = _response_schema(spec, spec_path, "get", "200")
        OAS30Validator(schema).validate(data)
        record_schema = schema
        if "meta" in schema.get("properties", {}):
            key = next(k for k in schema["properties"] if k != "meta")
            assert data[key], f"{path}: the fake served an empty list"
            record_schema = schema["properties"][key]["items"]
            data = data[key][0]
        # Every field the spec describes is served (for the Alarms body: its properties).
        missing = set(record_schema.get("properties", {})) - set(data)
        assert not missing, f"{path}: the fake leaves out {sorted(missing)}"
