"""The fake's Monitor v1: seeded debugger alerts and audit events, their lists and instances."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from ._routes import InstanceRoute, ListRoute
from ._seed import iso, make_sid, random_ip, spread
from ._state import ServerState
from ._store import Collection, Match, Since, Until

SIZES = {"alerts": 500, "events": 200}

#: Realistic alert kinds: (error code, log level, text, product path).
ALERT_KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("11200", "error", "HTTP retrieval failure", "voice"),
    ("11205", "error", "HTTP connection failure", "voice"),
    ("11750", "error", "TwiML response body too large", "voice"),
    ("12100", "error", "Document parse failure", "voice"),
    ("12300", "error", "Invalid Content-Type", "messaging"),
    ("13224", "warning", "Dial: Twilio does not support calling this number", "voice"),
    ("13227", "error", "Geo permission configuration is not permitting call", "voice"),
    ("15003", "warning", "Call Progress: Warning Response to Callback URL", "voice"),
    ("21211", "error", "Invalid 'To' Phone Number", "messaging"),
    ("21610", "warning", "Attempt to send to unsubscribed recipient", "messaging"),
    ("30003", "warning", "Unreachable destination handset", "messaging"),
    ("30005", "warning", "Unknown destination handset", "messaging"),
    ("30007", "warning", "Message filtered", "messaging"),
    ("30008", "error", "Unknown error", "messaging"),
    ("32017", "warning", "Carrier blocked call", "voice"),
    ("82002", "error", "Error on Twilio Function response", "functions"),
    ("11100", "notice", "Invalid URL format", "voice"),
    ("64101", "debug", "Stream - WebSocket - Connection event", "voice"),
)
EVENT_KINDS: tuple[tuple[str, str, str], ...] = (
    ("phone-number.created", "phone-number", "PN"),
    ("phone-number.updated", "phone-number", "PN"),
    ("phone-number.deleted", "phone-number", "PN"),
    ("account.updated", "account", "AC"),
    ("api-key.created", "api-key", "SK"),
    ("api-key.deleted", "api-key", "SK"),
    ("application.updated", "application", "AP"),
    ("user.login", "user", "US"),
    ("messaging-service.updated", "messaging-service", "MG"),
)
_ALERT_DETAIL = ("request_variables", "request_headers", "response_body", "response_headers")


def make_alert(rng: random.Random, state: ServerState, **fields: Any) -> dict[str, Any]:
    """One alert in the full (instance) view; ``fields`` override the generated values."""
    code, level, text, product = rng.choice(ALERT_KINDS)
    generated = spread(rng, state.now, timedelta(days=30))
    created = generated + timedelta(seconds=rng.randrange(0, 90))
    sid = make_sid(rng, "NO")
    resource = make_sid(
        rng, "CA" if product == "voice" else "SM" if product == "messaging" else "ZS"
    )
    method = rng.choice(("GET", "POST"))
    alert: dict[str, Any] = {
        "sid": sid,
        "account_sid": state.account_sid,
        "alert_text": f"Msg={text.replace(' ', '+')}&ErrorCode={code}&sourceComponent=14100",
        "api_version": "2010-04-01",
        "date_created": iso(created),
        "date_generated": iso(generated),
        "date_updated": iso(created),
        "error_code": code,
        "log_level": level,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "request_method": method,
        "request_url": f"https://app.example.com/{product}/{rng.randrange(1000):03d}",
        "resource_sid": resource,
        "service_sid": make_sid(rng, "PN") if rng.random() < 0.5 else None,
        "url": f"https://monitor.twilio.com/v1/Alerts/{sid}",
        "request_variables": f"CallSid={resource}&AccountSid={state.account_sid}&CallStatus=ringing",
        "request_headers": "Content-Type: application/x-www-form-urlencoded",
        "response_body": "<html><body>502 Bad Gateway</body></html>",
        "response_headers": "Content-Type: text/html\nConnection: close",
    }
    alert.update(fields)
    return alert


#: The odd alerts real servers send, by name (``FakeState.add_odd_alert``): the fields each
#: sets on a generated alert. ``future_date`` is a clock gone wrong on the server's side;
#: ``undecodable`` puts values no decoder can read into optional fields.
ODD_ALERTS: dict[str, dict[str, Any]] = {
    "blank_dates": {"date_generated": "", "date_created": "", "date_updated": " "},
    "future_date": {
        "date_generated": "2099-01-01T00:00:00Z",
        "date_created": "2099-01-01T00:00:00Z",
        "date_updated": "2099-01-01T00:00:00Z",
    },
    "undecodable": {
        "date_updated": "not a date",
        "error_code": {"code": 11200},
        "more_info": ["https://www.twilio.com/docs/errors/11200"],
    },
}


def make_event(rng: random.Random, state: ServerState, **fields: Any) -> dict[str, Any]:
    event_type, resource_type, prefix = rng.choice(EVENT_KINDS)
    sid = make_sid(rng, "AE")
    source = rng.choice(("api", "web", "twilio"))
    actor = make_sid(rng, "US") if source == "web" else None
    resource = state.account_sid if prefix == "AC" else make_sid(rng, prefix)
    event: dict[str, Any] = {
        "sid": sid,
        "account_sid": state.account_sid,
        "actor_sid": actor,
        "actor_type": "user"
        if source == "web"
        else "account"
        if source == "api"
        else "twilio-admin",
        "description": None
        if rng.random() < 0.3
        else f"{resource_type} {event_type.split('.')[1]}",
        "event_data": {
            "friendly_name": {"previous": "old name", "updated": f"name {rng.randrange(99)}"}
        },
        "event_date": iso(spread(rng, state.now, timedelta(days=30))),
        "event_type": event_type,
        "resource_sid": resource,
        "resource_type": resource_type,
        "source": source,
        "source_ip_address": None if source == "twilio" else random_ip(rng),
        "url": f"https://monitor.twilio.com/v1/Events/{sid}",
        "links": {
            "actor": f"https://api.twilio.com/2010-04-01/Accounts/{state.account_sid}",
            "resource": f"https://api.twilio.com/2010-04-01/Accounts/{state.account_sid}",
        },
    }
    event.update(fields)
    return event


def _alert_list_view(alert: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in alert.items() if k not in _ALERT_DETAIL}


def seed(state: ServerState, rng: random.Random, *, alerts: int, events: int) -> None:
    state.collections["alerts"] = Collection(
        (make_alert(rng, state) for _ in range(alerts)),
        order_field="date_generated",
        list_view=_alert_list_view,
    )
    state.collections["events"] = Collection(
        (make_event(rng, state) for _ in range(events)), order_field="event_date"
    )


ROUTES = (
    ListRoute(
        "/v1/Alerts",
        "alerts",
        "alerts",
        {
            "LogLevel": Match("log_level", str.lower),
            "StartDate": Since("date_generated"),
            "EndDate": Until("date_generated"),
        },
    ),
    InstanceRoute("/v1/Alerts/{Sid}", "alerts"),
    ListRoute(
        "/v1/Events",
        "events",
        "events",
        {
            "ActorSid": Match("actor_sid"),
            "EventType": Match("event_type"),
            "ResourceSid": Match("resource_sid"),
            "SourceIpAddress": Match("source_ip_address"),
            "StartDate": Since("event_date"),
            "EndDate": Until("event_date"),
        },
    ),
    InstanceRoute("/v1/Events/{Sid}", "events"),
)
