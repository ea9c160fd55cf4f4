"""Hostile servers: each hostile mode of the fake's fault plan, over aiohttp and in-process.

A 429 asking for a pause of days, a body that claims ten gigabytes, never ends or inflates from
a few kilobytes to a gigabyte, pages that are empty forever, next links on another host or on
another Twilio region's host, error messages echoing the credentials, a client closed while a
request hangs: each gets the library's clear error or the lenient result, in bounded time and
memory, and never loses or duplicates a record.
"""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from twilio_monitor_async import (
    AlarmConfig,
    BadRequestError,
    ClientClosedError,
    PagingError,
    QueryType,
    RateLimitError,
    ResponseTooLargeError,
    RetryPolicy,
    TimeWindow,
    TwilioMonitorClient,
    ValidationError,
)
from twilio_monitor_async.paging import MAX_EMPTY_PAGES
from twilio_monitor_async.sansio import host_of
from twilio_monitor_async.testing import FakeTransport, FakeTwilio, FaultPlan

from ..conftest import ACCOUNT_SID, AUTH_TOKEN
from ..waiting import until
from . import _figures

TRANSPORTS = ["aiohttp", "in-process"]
FAST = RetryPolicy(attempts=3, backoff_initial=0.001, backoff_max=0.01, jitter=0.1)
#: Small enough that every hostile body passes it at once: the tests stay fast.
CAP = 256 * 1024


@asynccontextmanager
async def serve(kind: str, **sizes: int) -> AsyncIterator[FakeTwilio | FakeTransport]:
    """The fake over a loopback port (``aiohttp``) or in-process, seeded with ``sizes``."""
    if kind == "aiohttp":
        async with FakeTwilio(**sizes) as server:
            yield server
    else:
        yield FakeTransport(**sizes)


def monitor_host(fake: FakeTwilio | FakeTransport, client: TwilioMonitorClient) -> str:
    return host_of(client.base_urls["monitor"])


async def collect(records: AsyncIterator[Any], into: list[str]) -> None:
    async for record in records:
        into.append(record.sid)


# -- 1. Retry-After and pauses -----------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("retry_after", ["999999", "inf", "1e400", "Fri, 31 Dec 9999 23:59:59 GMT"])
async def test_a_huge_retry_after_fails_the_call_at_once_and_never_freezes_the_next(
    transport: str, retry_after: str
) -> None:
    policy = RetryPolicy(attempts=5, max_retry_after=0.2, backoff_initial=0.001)
    async with serve(transport, alerts=5) as fake, fake.client(retry=policy) as client:
        fake.faults = FaultPlan(
            rate=1.0, kinds=("huge-retry-after",), hostile_retry_after=retry_after
        )
        with pytest.raises(RateLimitError):
            await client.alerts.list()
        assert fake.stats.requests == 1  # a wait beyond max_retry_after is not waited for
        # The client's pause for that host is bounded by max_retry_after, not by the server.
        assert 0 < client.limits.resume_in(monitor_host(fake, client)) <= 0.2
        fake.faults = FaultPlan()
        alerts = await client.alerts.list()  # proceeds (within the 60 s test timeout, far away)
        assert len(alerts) == 5
        assert fake.stats.requests == 2


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("retry_after", ["-5", "soon", "nan", "-inf"])
async def test_a_negative_or_unparseable_retry_after_retries_with_short_waits(
    transport: str, retry_after: str
) -> None:
    async with serve(transport, alerts=5) as fake, fake.client(retry=FAST) as client:
        fake.faults = FaultPlan(
            rate=1.0, kinds=("huge-retry-after",), hostile_retry_after=retry_after
        )
        with pytest.raises(RateLimitError):
            await client.alerts.list()
        assert fake.stats.requests == FAST.attempts
        assert client.stats.retries["429"] == FAST.attempts - 1
        assert client.limits.resume_in(monitor_host(fake, client)) == 0.0


@pytest.mark.timeout(60)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_no_pause_outlives_the_callers_deadline(transport: str) -> None:
    policy = RetryPolicy(deadline=1.0, max_retry_after=3600)
    async with serve(transport, alerts=5) as fake, fake.client(retry=policy) as client:
        fake.faults = FaultPlan(rate=1.0, kinds=("huge-retry-after",), hostile_retry_after="1800")
        with pytest.raises(RateLimitError):  # 1800 s to wait, 1 s of deadline: fails at once
            await client.alerts.list()
        assert fake.stats.requests == 1
        fake.faults = FaultPlan()
        # The host's pause (1800 s) outlasts the next call's deadline: it fails at once too,
        # without sending anything, instead of sleeping for half an hour.
        with pytest.raises(RateLimitError, match="outlasts the retry deadline") as caught:
            await client.alerts.list()
        assert fake.stats.requests == 1
        assert caught.value.retry_after is not None and caught.value.retry_after <= 1800


@pytest.mark.timeout(60)
async def test_a_pause_applies_to_the_host_that_asked_for_it_only() -> None:
    fake = FakeTransport(alerts=5)  # in-process: each domain keeps its real host name
    policy = RetryPolicy(attempts=1, max_retry_after=3600)
    async with fake.client(retry=policy) as client:
        fake.faults = FaultPlan(rate=1.0, kinds=("huge-retry-after",), hostile_retry_after="1800")
        with pytest.raises(RateLimitError):
            await client.status_page.summary()
        fake.faults = FaultPlan()
        assert client.limits.resume_in("status.twilio.com") > 0
        assert client.limits.resume_in("monitor.twilio.com") == 0.0
        assert len(await client.alerts.list()) == 5  # Monitor is not held by the status page
        assert fake.stats.requests == 2


# -- 2. Bounded responses ----------------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("mode", ["oversized", "endless", "bomb"])
async def test_bodies_past_the_cap_are_refused_with_bounded_memory(
    transport: str, mode: str
) -> None:
    async with (
        serve(transport, alerts=5) as fake,
        fake.client(retry=FAST, max_response_bytes=CAP) as client,
    ):
        fake.faults = FaultPlan(rate=1.0, kinds=(mode,))
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as caught:
                await client.alerts.list()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        _figures.add("hostile bodies: peak KiB traced", {f"{mode} {transport}": peak // 1024})
        assert peak < 16 * CAP, peak  # against a 1 GiB body (declared, endless or inflated)
        assert caught.value.limit == CAP
        assert AUTH_TOKEN not in str(caught.value)
        if mode == "oversized":
            assert "declares 1073741824 bytes" in str(caught.value)  # refused before reading
        assert fake.stats.requests == 1  # never retried, though the GET is idempotent
        assert client.stats.total_retries == 0
        fake.faults = FaultPlan()
        assert len(await client.alerts.list()) == 5  # the client is fine afterwards


@pytest.mark.parametrize("value", [0, -1, 1.5, "64MiB", True, None])
def test_max_response_bytes_is_validated(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, max_response_bytes=value)
    assert caught.value.field == "max_response_bytes"


def alert_body() -> bytes:
    alert = {"sid": "NO" + "1" * 32, "log_level": "error", "date_generated": "2026-11-20T12:00:00Z"}
    return orjson.dumps(alert)


ENCODINGS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as the standard says
    "raw-deflate": lambda body: zlib.compress(body, wbits=-15),  # as some servers send it
    "identity": lambda body: body,
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
async def test_compressed_bodies_under_the_cap_decode(encoding: str) -> None:
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Accept-Encoding", ""))
        wire = encoding.removeprefix("raw-")
        return web.Response(
            body=ENCODINGS[encoding](alert_body()),
            headers={"Content-Type": "application/json", "Content-Encoding": wire},
        )

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    async with TestServer(app, host="127.0.0.1") as server:
        url = str(server.make_url("")).rstrip("/")
        async with TwilioMonitorClient(
            ACCOUNT_SID, AUTH_TOKEN, base_urls={"monitor": url}, max_response_bytes=CAP
        ) as client:
            alert = await client.alerts.fetch("NO" + "1" * 32)
    assert alert.sid == "NO" + "1" * 32
    assert seen == ["gzip, deflate"]  # only what the client can inflate within its cap


# -- 3. Paging that always ends ----------------------------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_endless_empty_pages_stop_with_paging_error(transport: str) -> None:
    async with serve(transport, alerts=5) as fake, fake.client(retry=FAST) as client:
        fake.faults = FaultPlan(rate=1.0, kinds=("empty-pages",))
        with pytest.raises(PagingError, match=f"{MAX_EMPTY_PAGES} empty pages in a row"):
            [alert async for alert in client.alerts.stream(limit=5)]
        assert fake.stats.requests == MAX_EMPTY_PAGES
        assert await client.alerts.list(page_limit=3) == []  # page_limit still caps it
        assert fake.stats.requests == MAX_EMPTY_PAGES + 3


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_empty_pages_short_of_the_stop_lose_and_repeat_nothing(transport: str) -> None:
    async with serve(transport, notifications=23) as fake, fake.client(retry=FAST) as client:
        expected = [n.sid for n in await client.notifications.list(page_size=5)]
        # Half the pages come back empty, linking to the same place again: a slow server,
        # not an endless one. Every record arrives, once, in order.
        fake.faults = FaultPlan(rate=0.5, kinds=("empty-pages",), seed=4)
        got = [n.sid for n in await client.notifications.list(page_size=5)]
        assert fake.stats.faults["empty-pages"] > 0
    assert got == expected and len(set(expected)) == 23


# -- 4. Next links, checked when followed ------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_foreign_next_link_is_returned_but_never_followed(transport: str) -> None:
    async with serve(transport, alerts=6) as fake, fake.client(retry=FAST) as client:
        fake.faults = FaultPlan(rate=1.0, kinds=("foreign-link",))
        page = await client.alerts.page(page_size=2)
        assert len(page) == 2
        assert page.next_page_url is not None
        assert page.next_page_url.startswith("https://evil.example.com/")
        assert len(await client.alerts.list(limit=1)) == 1
        sent = fake.stats.requests
        with pytest.raises(PagingError, match="leaves"):
            await page.next_page()
        assert fake.stats.requests == sent  # nothing sent anywhere
        got: list[str] = []
        with pytest.raises(PagingError):
            await collect(client.alerts.stream(page_size=2), got)
        assert got == [alert.sid for alert in page]  # the page's records first, then the refusal
        assert fake.stats.requests == sent + 1


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(
    "twilio_host",
    ["{product}.twilio.com", "{product}.us1.twilio.com", "{product}.sydney.au1.twilio.com"],
)
async def test_next_links_on_the_products_twilio_host_go_to_the_base_url(
    transport: str, twilio_host: str
) -> None:
    async with serve(transport, alerts=23, notifications=17) as fake:
        async with fake.client(retry=FAST) as client:
            alerts = [a.sid for a in await client.alerts.list(page_size=5)]
            notes = [n.sid for n in await client.notifications.list(page_size=4)]
            fake.faults = FaultPlan(rate=1.0, kinds=("twilio-host-link",), twilio_host=twilio_host)
            fake.stats.reset()
            moved_alerts = [a.sid for a in await client.alerts.list(page_size=5)]
            moved_notes = [n.sid for n in await client.notifications.list(page_size=4)]
        assert moved_alerts == alerts and len(set(alerts)) == 23  # none lost, none twice
        assert moved_notes == notes and len(set(notes)) == 17
        assert fake.stats.requests == 5 + 5  # every page, once, at the configured base URL
        if transport == "aiohttp":
            assert {seen.headers["Host"] for seen in fake.stats.recent} == {
                host_of(client.base_urls["monitor"])
            }


async def test_a_next_link_on_another_products_host_is_refused() -> None:
    fake = FakeTransport(notifications=12)
    async with fake.client(retry=FAST) as client:
        fake.faults = FaultPlan(
            rate=1.0, kinds=("twilio-host-link",), twilio_host="monitor.twilio.com"
        )
        with pytest.raises(PagingError, match="leaves"):
            await client.notifications.list(page_size=5)
        assert fake.stats.requests == 1


# -- 7. Small holes ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [".", ".."])
async def test_dot_segments_are_refused_in_path_arguments(name: str) -> None:
    fake = FakeTransport(alerts=1)
    async with fake.client(retry=FAST) as client:
        calls: list[tuple[str, Callable[[], Any]]] = [
            ("type", lambda: client.event_types.fetch(name)),
            ("schema_id", lambda: client.schemas.fetch(name)),
            ("type", lambda: client.subscriptions.subscribed_events("DF" + "1" * 32).delete(name)),
            ("schema_id", lambda: client.schemas.versions(name).fetch(1)),
        ]
        for field, call in calls:
            with pytest.raises(ValidationError) as caught:
                await call()
            assert caught.value.field == field
            assert "would change the path" in str(caught.value)
    assert fake.stats.requests == 0


@pytest.mark.parametrize("token", ["a\r\nX-Evil: 1", "tok\n", "t\x00k", "t\x7f"])
async def test_control_characters_in_header_arguments_are_refused_by_name(token: str) -> None:
    fake = FakeTransport()
    config = AlarmConfig(
        friendly_name="Hostile",
        description="d",
        query_type=QueryType.ALL,
        trigger_value=1,
        time_window=TimeWindow.ONE_DAY,
        console_indicator=True,
    )
    async with fake.client(retry=FAST) as client:
        with pytest.raises(ValidationError) as caught:
            await client.alarms.create(config, idempotency_token=token)
    assert caught.value.field == "idempotency_token"
    assert fake.stats.requests == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_credentials_echoed_by_the_server_never_reach_the_exception(transport: str) -> None:
    async with serve(transport, alerts=1) as fake, fake.client(retry=FAST) as client:
        fake.faults = FaultPlan(rate=1.0, kinds=("echo-credentials",))
        authorization = client.config.authorization()
        assert authorization is not None
        with pytest.raises(BadRequestError) as caught:
            await client.alerts.list()
        text = f"{caught.value} {caught.value!r} {caught.value.message}"
        for secret in (fake.state.auth_token, authorization, authorization.split()[1]):
            assert secret not in text
        assert "<redacted>" in text and "You sent Authorization" in text


async def test_long_server_messages_are_cut_short() -> None:
    async def handle(request: web.Request) -> web.Response:
        body = {"code": 20001, "message": "x" * 100_000 + AUTH_TOKEN, "status": 400}
        return web.json_response(body, status=400)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    async with TestServer(app, host="127.0.0.1") as server:
        url = str(server.make_url("")).rstrip("/")
        async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, base_urls={"monitor": url}) as c:
            with pytest.raises(BadRequestError) as caught:
                await c.alerts.list()
    assert caught.value.message is not None
    assert len(caught.value.message) < 600
    assert len(str(caught.value)) < 1000
    assert AUTH_TOKEN not in str(caught.value)


@pytest.mark.parametrize("url", ["http://anything.localhost", "http://localhost.localhost:8080"])
def test_plain_http_to_a_localhost_subdomain_is_refused(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, base_urls={"monitor": url})
    assert caught.value.field == "base_urls['monitor']"
    client = TwilioMonitorClient(
        ACCOUNT_SID, AUTH_TOKEN, base_urls={"monitor": url}, allow_insecure_http=True
    )
    assert client.base_urls["monitor"] == url


@pytest.mark.timeout(60)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_aclose_during_a_request_ends_it_with_client_closed_error(transport: str) -> None:
    async with serve(transport, alerts=5) as fake:
        # In-process the request would hang for an hour; over aiohttp for 2 s only, as the
        # server's shutdown waits for its handlers (the client is closed long before).
        hang = 3600 if transport == "in-process" else 2
        fake.faults = FaultPlan(rate=1.0, kinds=("slow",), slow_seconds=hang)
        client = fake.client(retry=FAST, timeout=3600)
        call = asyncio.ensure_future(client.alerts.list())
        await until(lambda: fake.stats.in_flight == 1)
        await client.aclose()
        with pytest.raises(ClientClosedError):
            await call
        assert not call.cancelled()
        assert fake.stats.requests == 1  # no retry against the closed client
        assert client.stats.total_retries == 0
        with pytest.raises(ClientClosedError):
            await client.alerts.list()
