"""The I/O seam: the Transport protocol, FakeTransport in-process, and typed transport failures."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any
from unittest import mock

import orjson
import pytest
from multidict import CIMultiDict

from twilio_monitor_async import (
    AlarmLimitError,
    ApiError,
    ConnectError,
    ConnectionDroppedError,
    DecodeError,
    Request,
    Response,
    ResponseTimeoutError,
    RetryPolicy,
    Success,
    TransportError,
    TruncatedBodyError,
    TwilioMonitorClient,
    TwilioMonitorError,
)
from twilio_monitor_async.sansio import decipher
from twilio_monitor_async.testing import FakeTransport, FakeTwilio, FaultPlan

from .conftest import ACCOUNT_SID, AUTH_TOKEN, FAST_RETRY

#: Two attempts, tiny sleeps: a failure is retried once, then given up (both counted).
TWICE = RetryPolicy(attempts=2, backoff_initial=0.001, backoff_max=0.001, jitter=0)


@contextlib.contextmanager
def no_sockets() -> Iterator[None]:
    """Any attempt to open a socket (or resolve a host) inside the block fails the test.

    Applied inside the test, once the event loop (which needs a socket pair) is running.
    """

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a socket was opened")

    with (
        mock.patch.object(socket, "socket", refuse),
        mock.patch.object(socket, "getaddrinfo", refuse),
        mock.patch.object(socket, "create_connection", refuse),
    ):
        yield


async def test_stream_and_fetch_many_run_in_process_without_sockets() -> None:
    transport = FakeTransport(alerts=250)
    expected = [record["sid"] for record in transport.state.collections["alerts"]]
    with no_sockets():
        async with transport.client(retry=FAST_RETRY) as client:
            streamed = [alert.sid async for alert in client.alerts.stream(page_size=40)]
            outcomes = [o async for o in client.alerts.fetch_many(expected[:30], ordered=True)]
            errors = await client.alerts.list(log_level="error", limit=5)
    assert streamed == expected
    assert [o.value.sid for o in outcomes if isinstance(o, Success)] == expected[:30]
    assert all(o.ok for o in outcomes)
    assert errors and all(alert.log_level == "error" for alert in errors)
    # one request per page (7) and per SID (30), plus the filtered list
    assert transport.stats.requests == client.stats.requests == 7 + 30 + 1
    assert transport.closed  # the client closed its transport


async def test_fake_transport_injects_faults_and_the_client_recovers() -> None:
    plan = FaultPlan(rate=0.3, kinds=("429", "503", "drop", "truncate"), retry_after=0, seed=3)
    transport = FakeTransport(alerts=300, faults=plan)
    expected = [record["sid"] for record in transport.state.collections["alerts"]]
    retry = RetryPolicy(attempts=10, backoff_initial=0.001)
    with no_sockets():
        async with transport.client(retry=retry) as client:
            got = [alert.sid async for alert in client.alerts.stream(page_size=10)]
    assert got == expected
    faults = transport.stats.faults
    assert faults["drop"] > 0 and faults["truncate"] > 0
    retries = client.stats.retries
    assert retries["dropped"] == faults["drop"]
    assert retries["truncated body"] == faults["truncate"]
    assert retries["429"] == faults["429"] and retries["503"] == faults["503"]


async def test_fake_transport_timeout_is_a_response_timeout() -> None:
    plan = FaultPlan(rate=1.0, kinds=("slow",), slow_seconds=30)
    async with FakeTransport(faults=plan).client(retry=TWICE, timeout=0.05) as client:
        with no_sockets(), pytest.raises(ResponseTimeoutError):
            await client.alerts.list(limit=1)
        assert client.stats.retries["timeout"] == 1 and client.stats.gave_up["timeout"] == 1


async def test_connection_refused_is_a_connect_error_counted_as_connect() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with TwilioMonitorClient(
        ACCOUNT_SID,
        AUTH_TOKEN,
        base_urls={"monitor": f"http://127.0.0.1:{port}"},
        retry=TWICE,
    ) as client:
        with pytest.raises(ConnectError) as caught:
            await client.alerts.list(limit=1)
        assert caught.value.sent_nothing
        assert client.stats.retries["connect"] == 1 and client.stats.gave_up["connect"] == 1


async def test_timeout_and_cut_body_over_http_are_typed_and_counted_by_cause() -> None:
    async with FakeTwilio(alerts=20) as fake:
        # held ten times the timeout (the server waits for held responses when it stops)
        fake.faults = FaultPlan(rate=1.0, kinds=("slow",), slow_seconds=1.0)
        async with fake.client(retry=TWICE, timeout=0.1) as client:
            with pytest.raises(ResponseTimeoutError):
                await client.alerts.list(limit=1)
            assert client.stats.gave_up == {"timeout": 1}
        fake.faults = FaultPlan(rate=1.0, kinds=("drop",))
        async with fake.client(retry=TWICE) as client:
            with pytest.raises(ConnectionDroppedError) as dropped:
                await client.alerts.list(limit=1)
            assert not isinstance(dropped.value, DecodeError)
            assert client.stats.gave_up == {"dropped": 1}
        fake.faults = FaultPlan(rate=1.0, kinds=("truncate",))
        async with fake.client(retry=TWICE) as client:
            with pytest.raises(TruncatedBodyError):
                await client.alerts.list(limit=1)
            assert client.stats.gave_up == {"truncated body": 1}


class RecordingTransport:
    """A user's own transport: answers every request with one canned body."""

    def __init__(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.status, self.body, self.headers = status, body, headers or {}
        self.sent: list[Request] = []
        self.closed = False

    async def send(self, request: Request) -> Response:
        self.sent.append(request)
        return Response(self.status, CIMultiDict(self.headers), self.body, request.url)

    async def aclose(self) -> None:
        self.closed = True


async def test_a_body_that_is_not_json_is_a_decode_error_and_is_not_retried() -> None:
    transport = RecordingTransport(200, b"<html>maintenance</html>")
    async with TwilioMonitorClient(
        ACCOUNT_SID, AUTH_TOKEN, transport=transport, retry=FAST_RETRY
    ) as client:
        with pytest.raises(DecodeError) as caught:
            await client.alerts.fetch("NO" + "0" * 32)
    assert not isinstance(caught.value, TransportError)
    assert len(transport.sent) == 1 and not client.stats.retries
    assert transport.closed


async def test_any_transport_gets_the_credentials_and_the_repr_hides_them() -> None:
    body = orjson.dumps({"sid": "NO" + "1" * 32, "alert_text": "x"})
    transport = RecordingTransport(200, body)
    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, transport=transport) as client:
        alert = await client.alerts.fetch("NO" + "1" * 32)
    assert alert.sid == "NO" + "1" * 32
    (request,) = transport.sent
    assert (
        request.header(
            "authorization",
        )
        is not None
    )
    assert request.timeout == 30.0
    assert AUTH_TOKEN not in repr(request) and "<redacted>" in repr(request)


def test_a_transport_without_send_is_refused() -> None:
    with pytest.raises(TwilioMonitorError, match="transport"):
        TwilioMonitorClient(transport=object())  # type: ignore[arg-type]


def _response(status: int, body: bytes = b"", **headers: str) -> Response:
    return Response(status, CIMultiDict(headers), body, "https://monitor.twilio.com/v2/Alarms")


def test_decipher_is_pure_status_headers_body_in_value_or_error_out() -> None:
    request = Request("GET", "https://monitor.twilio.com/v2/Alarms")
    assert decipher(request, _response(200, b'{"a": 1}')) == {"a": 1}
    assert decipher(request, _response(204)) is None
    with pytest.raises(ApiError, match="redirect") as redirect:
        decipher(request, _response(302, Location="https://evil.example.com/"))
    assert redirect.value.status == 302
    with pytest.raises(ApiError) as limited:
        decipher(request, _response(429, b"{}", **{"retry-after": "7"}))
    assert limited.value.retry_after == 7.0
    with pytest.raises(TruncatedBodyError):
        decipher(request, _response(200, b'{"alarms": [1, 2'))
    with pytest.raises(DecodeError) as not_json:
        decipher(request, _response(200, b"<html>"))
    assert type(not_json.value) is DecodeError


def test_an_endpoint_declares_its_own_error_classes() -> None:
    from twilio_monitor_async.resources import Alarms

    assert Alarms.create_endpoint.errors[409] is AlarmLimitError
    request = Request("POST", "https://monitor.twilio.com/v2/Alarms", errors={409: AlarmLimitError})
    with pytest.raises(AlarmLimitError):
        decipher(request, _response(409, b'{"code": 20409}'))
