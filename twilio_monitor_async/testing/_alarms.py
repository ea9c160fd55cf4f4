"""The fake's Monitor v2 Alarms: a stateful collection with the real service's rules.

It answers like the service the Alarms guide describes: camelCase JSON, the written validation
rules answered with a 400 in the v2 error shape (``http_status_code``, ``user_error``), the
100-alarm limit as a 409, and ``Idempotency-Token``: a create repeated with a token already seen
answers the alarm made the first time instead of making another. Tests reach the server-side
rules by sending raw requests (the client refuses bad configurations before sending).
"""

from __future__ import annotations

import random
import re
from datetime import timedelta
from typing import Any

import orjson

from ..sansio import Response
from ._http import FakeRequest, no_content
from ._routes import CustomRoute, ListRoute, json_response, serve_list
from ._seed import iso, make_sid, spread
from ._state import ServerState
from ._store import Collection

SIZES = {"alarms": 6}

#: The account limit the service enforces on creates.
ALARM_LIMIT = 100

_ASC = "alarms"
_DESC = "alarms:desc"  # rebuilt from _ASC when a descending list is asked for
_LIST = ListRoute("/v2/Alarms", _ASC, "alarms")
_LIST_DESC = ListRoute("/v2/Alarms", _DESC, "alarms")
_NAME = re.compile(r"[A-Za-z0-9 ]{1,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_SID = re.compile(r"AK[0-9a-fA-F]{32}")
_QUERY_TYPES = ("ERROR_CODE", "LOG_LEVEL", "ALL")
_TIME_WINDOWS = ("FIVE_MINS", "FIFTEEN_MINS", "ONE_HOUR", "TWELVE_HOURS", "ONE_DAY")
_SEED_NAMES = ("Webhook failures", "Carrier blocks", "Any error", "Parse failures", "Warnings")


def v2_error(status: int, code: int, message: str) -> Response:
    """An error body in Monitor v2's shape (the spec's TwilioServiceErrorResponse)."""
    return json_response(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
            "http_status_code": status,
            "user_error": status < 500,
        },
        status=status,
    )


def _tokens(state: ServerState) -> dict[str, str]:
    tokens: dict[str, str] = state.extra.setdefault("alarms", {}).setdefault("tokens", {})
    return tokens


def validation_problem(doc: Any) -> str | None:
    """What is wrong with an alarm body under the Alarms guide's rules, or None."""
    if not isinstance(doc, dict):
        return "The request body must be a JSON object"
    name = doc.get("friendlyName")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return "friendlyName must be 1 to 64 characters of letters, digits and spaces"
    if not isinstance(doc.get("description"), str) or not doc["description"].strip():
        return "description is required"
    query_type = doc.get("queryType")
    if query_type not in _QUERY_TYPES:
        return f"queryType must be one of {', '.join(_QUERY_TYPES)}"
    query = doc.get("query")
    if query_type == "ERROR_CODE" and not (isinstance(query, str) and query.isdigit()):
        return "query must be a numeric error code for queryType ERROR_CODE"
    if query_type == "LOG_LEVEL" and query not in ("WARNING", "ERROR", "INFO"):
        return "query must be WARNING, ERROR or INFO for queryType LOG_LEVEL"
    trigger = doc.get("triggerValue")
    if isinstance(trigger, bool) or not isinstance(trigger, int) or trigger < 1:
        return "triggerValue must be an integer of at least 1"
    if doc.get("timeWindow") not in _TIME_WINDOWS:
        return f"timeWindow must be one of {', '.join(_TIME_WINDOWS)}"
    emails = doc.get("email", [])
    if not isinstance(emails, list) or len(emails) > 25:
        return "email must be a list of at most 25 addresses"
    if any(not isinstance(e, str) or not _EMAIL.fullmatch(e) for e in emails):
        return "email must contain valid email addresses"
    webhook = doc.get("webhook")
    if webhook is not None and (
        not isinstance(webhook, str)
        or len(webhook) >= 2000
        or not re.fullmatch(r"https?://[^\s/]+\S*", webhook)
    ):
        return "webhook must be one valid URL of less than 2000 characters"
    console = doc.get("consoleIndicator")
    if console is not None and not isinstance(console, bool):
        return "consoleIndicator must be a boolean"
    if not isinstance(doc.get("enabled"), bool):
        return "enabled is required and must be a boolean"
    if not (emails or webhook or console):
        return "At least one of email, webhook or consoleIndicator must be enabled"
    return None


_CONFIG_KEYS = (
    "friendlyName",
    "description",
    "queryType",
    "query",
    "triggerValue",
    "timeWindow",
    "email",
    "webhook",
    "consoleIndicator",
    "enabled",
)


def _product(doc: dict[str, Any]) -> str:
    return "Multiple" if doc.get("queryType") != "ERROR_CODE" else "Voice"


def make_alarm(state: ServerState, sid: str, doc: dict[str, Any], created: str) -> dict[str, Any]:
    """The stored (and served) alarm: the config's keys plus the service's own fields."""
    alarm: dict[str, Any] = {key: doc[key] for key in _CONFIG_KEYS if key in doc}
    alarm.update(
        sid=sid,
        alertConfigSid=sid,
        product=_product(doc),
        datasetName="ReportCenter.DebugEvents",
        dateCreated=created,
        dateUpdated=iso(state.now),
    )
    return alarm


async def _read_json(request: FakeRequest) -> tuple[Any, Response | None]:
    try:
        return orjson.loads(await request.read()), None
    except orjson.JSONDecodeError:
        return None, v2_error(400, 20001, "The request body is not valid JSON")


async def create_alarm(state: ServerState, request: FakeRequest) -> Response:
    token = request.headers.get("Idempotency-Token")
    if not token:
        return v2_error(400, 20001, "Missing required header: Idempotency-Token")
    tokens = _tokens(state)
    alarms = state.collections[_ASC]
    if token in tokens and tokens[token] in alarms:
        return json_response({"sid": tokens[token]}, status=201)
    doc, error = await _read_json(request)
    if error is not None:
        return error
    problem = validation_problem(doc)
    if problem is not None:
        return v2_error(400, 20001, problem)
    if len(alarms) >= ALARM_LIMIT:
        return v2_error(409, 20409, f"The account has reached the limit of {ALARM_LIMIT} alarms")
    sid = make_sid(state.extra.setdefault("alarms", {}).setdefault("rng", random.Random(0)), "AK")
    alarms.add(make_alarm(state, sid, doc, iso(state.now)))
    tokens[token] = sid
    return json_response({"sid": sid}, status=201)


def _existing(state: ServerState, request: FakeRequest) -> dict[str, Any] | None:
    sid = request.match_info["Sid"]
    return state.collections[_ASC].get(sid) if _SID.fullmatch(sid) else None


def _not_found(request: FakeRequest) -> Response:
    return v2_error(404, 20404, f"The requested resource {request.path} was not found")


async def fetch_alarm(state: ServerState, request: FakeRequest) -> Response:
    alarm = _existing(state, request)
    return _not_found(request) if alarm is None else json_response(alarm)


async def update_alarm(state: ServerState, request: FakeRequest) -> Response:
    alarm = _existing(state, request)
    if alarm is None:
        return _not_found(request)
    doc, error = await _read_json(request)
    if error is not None:
        return error
    problem = validation_problem(doc)
    if problem is not None:
        return v2_error(400, 20001, problem)
    state.collections[_ASC].replace(make_alarm(state, alarm["sid"], doc, alarm["dateCreated"]))
    return json_response({"sid": alarm["sid"]})


async def set_status(state: ServerState, request: FakeRequest) -> Response:
    alarm = _existing(state, request)
    if alarm is None:
        return _not_found(request)
    doc, error = await _read_json(request)
    if error is not None:
        return error
    if not isinstance(doc, dict) or not isinstance(doc.get("enabled"), bool):
        return v2_error(400, 20001, "enabled is required and must be a boolean")
    state.collections[_ASC].replace(
        {**alarm, "enabled": doc["enabled"], "dateUpdated": iso(state.now)}
    )
    return no_content()


async def delete_alarm(state: ServerState, request: FakeRequest) -> Response:
    alarm = _existing(state, request)
    if alarm is None:
        return _not_found(request)
    state.collections[_ASC].remove(alarm["sid"])
    return no_content()


async def list_alarms(state: ServerState, request: FakeRequest) -> Response:
    order = request.query.get("SortOrder", "asc")
    if order not in ("asc", "desc"):
        return v2_error(400, 20001, "SortOrder must be asc or desc")
    if order == "asc":
        return await serve_list(_LIST, state, request)
    state.collections[_DESC] = Collection(reversed(list(state.collections[_ASC])))
    return await serve_list(_LIST_DESC, state, request)


def seed(state: ServerState, rng: random.Random, *, alarms: int) -> None:
    state.extra.setdefault("alarms", {})["rng"] = rng
    records = []
    moments = sorted(spread(rng, state.now, timedelta(days=90)) for _ in range(alarms))
    for index, moment in enumerate(moments):
        query_type = rng.choice(_QUERY_TYPES)
        doc = {
            "friendlyName": f"{_SEED_NAMES[index % len(_SEED_NAMES)]} {index + 1}",
            "description": "Seeded by the fake Twilio server",
            "queryType": query_type,
            "query": {
                "ERROR_CODE": rng.choice(("11200", "30003", "82002")),
                "LOG_LEVEL": "ERROR",
            }.get(query_type, ""),
            "triggerValue": rng.randrange(1, 50),
            "timeWindow": rng.choice(_TIME_WINDOWS),
            "email": ["oncall@example.com"],
            "webhook": "https://hooks.example.com/twilio-alarms",
            "consoleIndicator": rng.random() < 0.5,
            "enabled": rng.random() < 0.8,
        }
        records.append(make_alarm(state, make_sid(rng, "AK"), doc, iso(moment)))
    # Insertion order is creation order: the ascending list.
    state.collections[_ASC] = Collection(records)


ROUTES = (
    CustomRoute("GET", "/v2/Alarms", list_alarms),
    CustomRoute("POST", "/v2/Alarms", create_alarm),
    CustomRoute("GET", "/v2/Alarms/{Sid}", fetch_alarm),
    CustomRoute("PUT", "/v2/Alarms/{Sid}", update_alarm),
    CustomRoute("DELETE", "/v2/Alarms/{Sid}", delete_alarm),
    CustomRoute("PUT", "/v2/Alarms/{Sid}/status", set_status),
)
