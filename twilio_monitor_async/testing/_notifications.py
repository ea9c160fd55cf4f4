"""The fake's Api 2010 Notifications: seeded, account-level and per-call, ``next_page_uri`` paging.

Records are stored as Api 2010 sends them (RFC 2822 dates, ``log`` as ``"0"``/``"1"``), kept
newest first by a parsed key (RFC 2822 strings do not sort), and filtered by calendar day as
``MessageDate``, ``MessageDate<`` and ``MessageDate>`` are documented to work.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from ._http import FakeRequest
from ._routes import InstanceRoute, ListRoute
from ._seed import iso, make_sid, spread
from ._state import ServerState
from ._store import Collection, Day, Filter, Match, Record

__all__ = ["make_notification", "rfc2822"]

SIZES = {"notifications": 400}

#: Realistic notification kinds: (error code, log, message text).
NOTIFICATION_KINDS: tuple[tuple[str, str, str], ...] = (
    ("11200", "0", "HTTP retrieval failure"),
    ("11205", "0", "HTTP connection failure"),
    ("11750", "0", "TwiML response body too large"),
    ("12100", "0", "Document parse failure"),
    ("13224", "1", "Dial: Twilio does not support calling this number"),
    ("15003", "1", "Got HTTP 404 response to status callback"),
    ("21609", "1", "Invalid Url for callSid: invalid statusCallbackUrl"),
    ("13227", "0", "Geo permission configuration is not permitting call"),
    ("21211", "0", "Invalid 'To' Phone Number"),
)
_DETAIL = ("request_variables", "response_body", "response_headers")
_BASE = "/2010-04-01/Accounts/{AccountSid}"


def rfc2822(moment: datetime) -> str:
    """Api 2010's date format: ``Thu, 30 Apr 2015 16:47:33 +0000``."""
    return format_datetime(moment)


def make_notification(
    rng: random.Random, state: ServerState, *, call_sid: str | None = None, **fields: Any
) -> Record:
    """One notification in the full (instance) view; ``fields`` override generated values.

    Give ``message_date`` as a datetime (it is rendered as RFC 2822 like the other dates).
    """
    code, log, text = rng.choice(NOTIFICATION_KINDS)
    message_date = fields.pop("message_date", None) or spread(rng, state.now, timedelta(days=30))
    created = message_date + timedelta(seconds=rng.randrange(0, 5))
    sid = make_sid(rng, "NO")
    level = "ERROR" if log == "0" else "WARN"
    method = rng.choice(("GET", "POST", None))
    notification: Record = {
        "account_sid": state.account_sid,
        "api_version": "2010-04-01" if call_sid else "2008-08-01",
        "call_sid": call_sid,
        "date_created": rfc2822(created),
        "date_updated": rfc2822(created + timedelta(seconds=2)),
        "error_code": code,
        "log": log,
        "message_date": rfc2822(message_date),
        "message_text": urlencode({"LogLevel": level, "Msg": text, "ErrorCode": code}),
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "request_method": method,
        "request_url": "" if method is None else f"https://app.example.com/twiml/{code}",
        "sid": sid,
        "uri": f"/2010-04-01/Accounts/{state.account_sid}/Notifications/{sid}.json",
        "request_variables": urlencode(
            {"AccountSid": state.account_sid, "CallSid": call_sid or "", "CallStatus": "ringing"}
        ),
        "response_body": "<html><body>500 Internal Server Error</body></html>",
        "response_headers": urlencode(
            {"Content-Type": "text/html", "Date": rfc2822(created), "Connection": "close"}
        ),
    }
    notification.update(fields)
    return notification


def _list_view(record: Record) -> Record:
    return {k: v for k, v in record.items() if k not in _DETAIL}


def _order_key(record: Record) -> str:
    # RFC 2822 strings do not sort; the ISO form of the same moment does.
    return iso(parsedate_to_datetime(record["message_date"]))


def seed(state: ServerState, rng: random.Random, *, notifications: int) -> None:
    calls = [make_sid(rng, "CA") for _ in range(max(1, notifications // 20))]
    records = (
        make_notification(rng, state, call_sid=rng.choice(calls) if rng.random() < 0.7 else None)
        for _ in range(notifications)
    )
    state.collections["notifications"] = Collection(
        records, order_field="message_date", list_view=_list_view, key_of=_order_key
    )


def _in_account(state: ServerState, request: FakeRequest) -> Callable[[Record], bool]:
    account = request.match_info["AccountSid"]
    call = request.match_info.get("CallSid")
    if call is None:
        return lambda record: record.get("account_sid") == account
    return lambda record: record.get("account_sid") == account and record.get("call_sid") == call


_FILTERS: dict[str, Filter] = {
    "Log": Match("log"),
    "MessageDate": Day("message_date", "on"),
    "MessageDate<": Day("message_date", "on_or_before"),
    "MessageDate>": Day("message_date", "on_or_after"),
}

ROUTES = (
    ListRoute(
        _BASE + "/Notifications.json",
        "notifications",
        "notifications",
        _FILTERS,
        style="uri",
        scope=_in_account,
    ),
    ListRoute(
        _BASE + "/Calls/{CallSid}/Notifications.json",
        "notifications",
        "notifications",
        _FILTERS,
        style="uri",
        scope=_in_account,
    ),
    InstanceRoute(_BASE + "/Notifications/{Sid}.json", "notifications", scope=_in_account),
    InstanceRoute(
        _BASE + "/Calls/{CallSid}/Notifications/{Sid}.json", "notifications", scope=_in_account
    ),
)
