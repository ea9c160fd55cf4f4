"""Hostile arguments and hostile paging links.

Arguments: every public method is called with one argument replaced by anything hypothesis
can think of (wrong types, out-of-range numbers, odd strings, unknown keyword names). It either
works (a request is sent; the server answers 404, which is fine) or raises ValidationError whose
``.field`` names that argument, with no request sent. For SIDs, page sizes and limits the test
also knows which values are acceptable, so a bad value that slips through fails it.

Paging: a page whose next link points at another host, scheme or port, carries user-info, loops
back, or is garbage is refused with PagingError; no request ever leaves the API's host, and a
loop never runs forever.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta, timezone
from typing import Any

import pytest
from aioresponses import aioresponses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twilio_monitor_async import (
    AlarmConfig,
    ApiError,
    PagingError,
    QueryType,
    TimeWindow,
    TwilioMonitorClient,
    ValidationError,
)
from twilio_monitor_async.bulk import MAX_SHARDS

from . import _figures
from .conftest import Hostile

Call = Callable[[TwilioMonitorClient, Any], Awaitable[Any]]
SID = {p: p + "0123456789abcdef" * 2 for p in ("NO", "AE", "AK", "DG", "DF", "CA")}
CONFIG = {
    "friendly_name": "Chaos alarm",
    "description": "d",
    "query_type": QueryType.ERROR_CODE,
    "query": "11200",
    "trigger_value": 5,
    "time_window": TimeWindow.FIVE_MINS,
    "email": ["oncall@example.com"],
}


def sid_ok(prefix: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and re.fullmatch(prefix + "[0-9a-fA-F]{32}", v) is not None


def positive(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def page_size_ok(v: Any) -> bool:
    return positive(v) and v <= 1000


def shards_ok(v: Any) -> bool:
    return positive(v) and v <= MAX_SHARDS


async def collect(items: Any) -> list[Any]:
    return [item async for item in items]


#: (method, argument, the call with the value, oracle: which values must be accepted, if known)
TARGETS: list[tuple[str, str, Call, Callable[[Any], bool] | None]] = [
    ("alerts.fetch", "sid", lambda c, v: c.alerts.fetch(v), sid_ok("NO")),
    ("events.fetch", "sid", lambda c, v: c.events.fetch(v), sid_ok("AE")),
    ("alarms.fetch", "sid", lambda c, v: c.alarms.fetch(v), sid_ok("AK")),
    ("alarms.delete", "sid", lambda c, v: c.alarms.delete(v), sid_ok("AK")),
    ("sinks.fetch", "sid", lambda c, v: c.sinks.fetch(v), sid_ok("DG")),
    ("subscriptions.fetch", "sid", lambda c, v: c.subscriptions.fetch(v), sid_ok("DF")),
    ("notifications.fetch", "sid", lambda c, v: c.notifications.fetch(v), sid_ok("NO")),
    (
        "notifications.list",
        "call_sid",
        lambda c, v: c.notifications.list(call_sid=v, limit=1),
        sid_ok("CA"),
    ),
    ("alerts.list", "page_size", lambda c, v: c.alerts.list(page_size=v, limit=1), page_size_ok),
    ("alerts.list", "limit", lambda c, v: c.alerts.list(limit=v), positive),
    ("alerts.list", "page_limit", lambda c, v: c.alerts.list(page_limit=v), positive),
    ("alerts.page", "page_size", lambda c, v: c.alerts.page(page_size=v), page_size_ok),
    ("alerts.list", "log_level", lambda c, v: c.alerts.list(log_level=v, limit=1), None),
    ("alerts.list", "start_date", lambda c, v: c.alerts.list(start_date=v, limit=1), None),
    ("alerts.list", "end_date", lambda c, v: c.alerts.list(end_date=v, limit=1), None),
    (
        "alerts.stream",
        "shards",
        lambda c, v: collect(
            c.alerts.stream(shards=v, start_date="2026-11-01", end_date="2026-11-02")
        ),
        shards_ok,
    ),
    ("events.list", "actor_sid", lambda c, v: c.events.list(actor_sid=v, limit=1), None),
    ("events.list", "event_type", lambda c, v: c.events.list(event_type=v, limit=1), None),
    (
        "events.list",
        "source_ip_address",
        lambda c, v: c.events.list(source_ip_address=v, limit=1),
        None,
    ),
    ("alarms.set_enabled", "enabled", lambda c, v: c.alarms.set_enabled(SID["AK"], v), None),
    ("alarms.list", "sort_order", lambda c, v: c.alarms.list(sort_order=v, limit=1), None),
    ("sinks.list", "status", lambda c, v: c.sinks.list(status=v), None),
    ("sinks.list", "in_use", lambda c, v: c.sinks.list(in_use=v), None),
    ("sinks.create", "description", lambda c, v: c.sinks.create(v, {"a": 1}, "webhook"), None),
    ("sinks.create", "sink_type", lambda c, v: c.sinks.create("d", {"a": 1}, v), None),
    (
        "sinks.create",
        "sink_configuration",
        lambda c, v: c.sinks.create("d", v, "webhook"),
        None,
    ),
    (
        "subscriptions.create",
        "sink_sid",
        lambda c, v: c.subscriptions.create(
            "d", v, [{"type": "com.twilio.messaging.message.sent"}]
        ),
        None,
    ),
    (
        "subscriptions.create",
        "types",
        lambda c, v: c.subscriptions.create("d", SID["DG"], v),
        None,
    ),
    ("notifications.list", "log", lambda c, v: c.notifications.list(log=v, limit=1), None),
    (
        "notifications.list",
        "message_date_before",
        lambda c, v: c.notifications.list(message_date_before=v, limit=1),
        None,
    ),
    (
        "status_page.incidents",
        "unresolved",
        lambda c, v: c.status_page.incidents(unresolved=v),
        None,
    ),
    (
        "status_page.scheduled_maintenances",
        "which",
        lambda c, v: c.status_page.scheduled_maintenances(v),
        None,
    ),
    ("status_page.subscribe", "email", lambda c, v: c.status_page.subscribe(email=v), None),
    (
        "alerts.follow",
        "poll_interval",
        lambda c, v: collect(c.alerts.follow(poll_interval=v, max_polls=1)),
        None,
    ),
    (
        "alerts.follow",
        "lookback",
        lambda c, v: collect(c.alerts.follow(lookback=v, max_polls=1)),
        None,
    ),
    ("alerts.follow", "since", lambda c, v: collect(c.alerts.follow(since=v, max_polls=1)), None),
    (
        "alerts.fetch_many",
        "concurrency",
        lambda c, v: collect(c.alerts.fetch_many([SID["NO"]], concurrency=v)),
        positive,
    ),
] + [
    (
        "alarms.create",
        name,
        lambda c, v, name=name: c.alarms.create(AlarmConfig(**{**CONFIG, name: v})),
        None,
    )
    for name in (
        "friendly_name",
        "description",
        "query_type",
        "query",
        "trigger_value",
        "time_window",
        "email",
    )
]

HOSTILE_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "NO" + "g" * 32,
            "no0123456789abcdef0123456789abcdef",
            SID["NO"] + "\n",
            "NO0123456789abcdef0123456789abcdef0",
            "2026-02-30",
            "2026-11-20T25:00:00Z",
            "yesterday",
            "x" * 5000,
            "\u0000",
            "😀",
            "../../etc/passwd",
            "%2F..%2F",
            "a@b",
            "ERROR",
            "desc",
        ]
    ),
    st.sampled_from(list(SID.values())),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.datetimes(timezones=st.none() | st.just(timezone.utc)),
    st.dates(),
    st.timedeltas(min_value=timedelta(days=-2), max_value=timedelta(days=2)),
    st.just(object()),
)
FUZZ = settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(target=st.sampled_from(TARGETS), value=HOSTILE_VALUES)
async def test_arguments_work_or_are_refused_by_name_before_sending(
    hostile: tuple[Hostile, TwilioMonitorClient],
    target: tuple[str, str, Call, Callable[[Any], bool] | None],
    value: Any,
) -> None:
    server, client = hostile
    server.status, server.body = 404, b'{"code": 20404, "message": "not here", "status": 404}'
    method, argument, call, acceptable = target
    before = server.requests
    refusal: ValidationError | None = None
    try:
        await call(client, value)
    except ValidationError as error:
        refusal = error
    except ApiError:  # accepted and sent; the server said 404
        assert server.requests > before
    refused = refusal is not None
    if refusal is not None:
        # A valid query type the fixed query ("11200") does not fit refuses the query: the rule
        # ties the two fields, and the refusal names the one that does not fit.
        named = (argument, "query") if argument == "query_type" else (argument,)
        assert refusal.field.startswith(named), (method, refusal)
        assert server.requests == before, f"{method} sent a request with a refused argument"
    if acceptable is not None and value is not None:
        assert refused != acceptable(value), (method, argument, value)
    _figures.add(
        "hypothesis: hostile arguments",
        {"examples": 1, "refused before sending": int(refused), "accepted": int(not refused)},
    )


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True), value=HOSTILE_VALUES)
async def test_unknown_keyword_arguments_are_refused_by_name(
    hostile: tuple[Hostile, TwilioMonitorClient], name: str, value: Any
) -> None:
    server, client = hostile
    known = {"limit", "page_size", "page_limit", "prefetch", "shards", "log_level"}
    known |= {"start_date", "end_date"}
    if name in known:
        return
    with pytest.raises(ValidationError) as caught:
        await client.alerts.list(**{name: value})
    assert caught.value.field == name
    assert server.requests == 0
    _figures.add("hypothesis: hostile arguments", {"examples": 1, "unknown names refused": 1})


# -- paging links -----------------------------------------------------------------------------

API = "https://monitor.twilio.com"
FIRST = re.compile(r"^https://monitor\.twilio\.com/v1/Alerts\?PageSize=\d+$")
ALERT = {"sid": SID["NO"], "date_generated": "2026-11-20T12:00:00Z", "log_level": "error"}


def alerts_page(next_url: Any) -> dict[str, Any]:
    return {"alerts": [ALERT], "meta": {"key": "alerts", "next_page_url": next_url}}


LINKS = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "https://evil.example.com/v1/Alerts?Page=1",
            "http://monitor.twilio.com/v1/Alerts?Page=1",
            "https://monitor.twilio.com:8443/v1/Alerts?Page=1",
            "https://user:pass@monitor.twilio.com/v1/Alerts?Page=1",
            "//evil.example.com/v1/Alerts",
            "ftp://monitor.twilio.com/v1/Alerts",
            "javascript:alert(1)",
            "https://monitor.twilio.com.evil.example.com/v1/Alerts",
            "https://monitor.twilio.com@evil.example.com/v1/Alerts",
            "https://[::1",
            "https://monitor.twilio.com/v1/Alerts?PageSize=50",  # the first page: a loop
            "/v1/Alerts?Page=2",
            "",
            "   ",
        ]
    ),
    st.builds(lambda path: f"https://monitor.twilio.com/{path}", st.text(max_size=20)),
    st.integers(),
    st.lists(st.text(max_size=3), max_size=2),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(link=LINKS)
async def test_hostile_next_links_never_leave_the_api_host(link: Any) -> None:
    with aioresponses() as mocked:
        mocked.get(FIRST, payload=alerts_page(link))
        # anything on the API host answers a last page; anything elsewhere is not mocked and
        # would be recorded (and fail) as a request to another host
        mocked.get(
            re.compile(r"^https://monitor\.twilio\.com(/.*)?$"),
            payload=alerts_page(None),
            repeat=True,
        )
        refusal: PagingError | None = None
        async with TwilioMonitorClient("AC" + "0" * 32, "tok-secret-1", retry=False) as c:
            try:
                records = await c.alerts.list(page_size=50)
            except PagingError as error:
                refusal = error
        if refusal is None and not link:  # an empty link is the usual "no next page"
            outcome = "last page"
            assert len(records) == 1
        elif refusal is None:
            outcome = "followed on the API host"
            assert len(records) == 2
        else:
            outcome = "refused"
            assert "tok-secret-1" not in str(refusal)
        for _, url in mocked.requests:
            assert (url.scheme, url.host, url.port) == ("https", "monitor.twilio.com", 443), url
            assert url.user is None
    _figures.add("hypothesis: hostile next links", {"examples": 1, outcome: 1})


async def test_a_next_link_that_loops_is_refused_not_followed_forever(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    page2 = f"{API}/v1/Alerts?PageSize=50&Page=1&PageToken=PA2"
    page3 = f"{API}/v1/Alerts?PageSize=50&Page=2&PageToken=PA3"
    mock_http.get(FIRST, payload=alerts_page(page2))
    mock_http.get(page2, payload=alerts_page(page3), repeat=True)
    mock_http.get(page3, payload=alerts_page(page2), repeat=True)  # back to page 2
    with pytest.raises(PagingError, match="loops back"):
        await client.alerts.list()
    assert sum(len(calls) for calls in mock_http.requests.values()) == 3
