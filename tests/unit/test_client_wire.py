"""What the client sends for every argument (aioresponses), and how it reads the answers."""

from __future__ import annotations

import base64
from datetime import date, datetime, timezone
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from twilio_monitor_async import (
    AlertInstance,
    AuthenticationError,
    DecodeError,
    NotFoundError,
    PagingError,
    TwilioMonitorClient,
    ValidationError,
    __version__,
)

from ..conftest import ACCOUNT_SID, API, AUTH_TOKEN

NO = "NO" + "ab" * 16
AE = "AE" + "cd" * 16
US = "US" + "ef" * 16
CA = "CA" + "01" * 16


def page(key: str, records: list[dict[str, Any]], next_url: str | None = None) -> dict[str, Any]:
    return {
        key: records,
        "meta": {"key": key, "page": 0, "page_size": len(records), "next_page_url": next_url},
    }


def sent(mocked: aioresponses) -> list[tuple[str, URL, dict[str, Any]]]:
    """Every request the client made, in order: (method, URL with query, call kwargs)."""
    calls = [
        (key[0], key[1], call.kwargs) for key, calls in mocked.requests.items() for call in calls
    ]
    return calls


async def test_alerts_list_sends_every_filter_with_wire_names(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}/v1/Alerts?LogLevel=warning&StartDate=2026-11-01T00:00:00Z&EndDate=2026-11-02&PageSize=20",
        payload=page("alerts", [{"sid": NO, "log_level": "warning"}]),
    )
    alerts = await client.alerts.list(
        limit=20,
        log_level="WARNING",
        start_date=datetime(2026, 11, 1, tzinfo=timezone.utc),
        end_date=date(2026, 11, 2),
    )
    assert [a.sid for a in alerts] == [NO]
    ((method, url, kwargs),) = sent(mock_http)
    assert method == "GET"
    assert dict(url.query) == {
        "LogLevel": "warning",
        "StartDate": "2026-11-01T00:00:00Z",
        "EndDate": "2026-11-02",
        "PageSize": "20",
    }
    headers = kwargs["headers"]
    expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert headers["Authorization"] == expected
    assert headers["User-Agent"].startswith(f"twilio-monitor-async/{__version__} ")
    assert kwargs["allow_redirects"] is False


async def test_events_list_sends_every_filter_with_wire_names(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}/v1/Events?ActorSid={US}&EventType=phone-number.created&ResourceSid={CA}"
        "&SourceIpAddress=10.0.0.1&StartDate=2026-11-01T10:00:00Z&EndDate=2026-11-01T11:00:00Z&PageSize=1000",
        payload=page("events", [{"sid": AE}]),
    )
    events = await client.events.list(
        actor_sid=US,
        event_type="phone-number.created",
        resource_sid=CA,
        source_ip_address="10.0.0.1",
        start_date="2026-11-01T10:00:00Z",
        end_date="2026-11-01T12:00:00+01:00",
    )
    assert [e.sid for e in events] == [AE]
    assert len(sent(mock_http)) == 1


async def test_page_size_rules(mock_http: aioresponses, client: TwilioMonitorClient) -> None:
    mock_http.get(f"{API}/v1/Alerts?PageSize=1000", payload=page("alerts", []))
    mock_http.get(f"{API}/v1/Alerts?PageSize=7", payload=page("alerts", []))
    mock_http.get(f"{API}/v1/Alerts?PageSize=1000", payload=page("alerts", []))
    mock_http.get(f"{API}/v1/Alerts", payload=page("alerts", []))
    assert await client.alerts.list(limit=5000) == []  # only limit: min(limit, 1000)
    assert await client.alerts.list(limit=5000, page_size=7) == []  # page_size wins
    assert await client.alerts.list() == []  # neither: the largest page
    assert len(await client.alerts.page()) == 0  # page(): the API's default
    calls = {str(key[1]): len(calls) for key, calls in mock_http.requests.items()}
    assert calls == {
        f"{API}/v1/Alerts?PageSize=1000": 2,
        f"{API}/v1/Alerts?PageSize=7": 1,
        f"{API}/v1/Alerts": 1,
    }


async def test_stream_walks_next_page_urls_and_limit_stops_early(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    sids = [f"NO{i:032x}" for i in range(7)]
    mock_http.get(
        f"{API}/v1/Alerts?PageSize=3",
        payload=page(
            "alerts",
            [{"sid": s} for s in sids[:3]],
            f"{API}/v1/Alerts?PageSize=3&Page=1&PageToken=PA2",
        ),
    )
    mock_http.get(
        f"{API}/v1/Alerts?PageSize=3&Page=1&PageToken=PA2",
        payload=page(
            "alerts",
            [{"sid": s} for s in sids[3:6]],
            f"{API}/v1/Alerts?PageSize=3&Page=2&PageToken=PA5",
        ),
    )
    mock_http.get(
        f"{API}/v1/Alerts?PageSize=3&Page=2&PageToken=PA5",
        payload=page("alerts", [{"sid": sids[6]}]),
    )
    assert [a.sid async for a in client.alerts.stream(page_size=3)] == sids
    assert len(sent(mock_http)) == 3


async def test_limit_stops_without_reading_another_page(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    sids = [f"NO{i:032x}" for i in range(7)]
    mock_http.get(
        f"{API}/v1/Alerts?PageSize=3",
        payload=page(
            "alerts",
            [{"sid": s} for s in sids[:3]],
            f"{API}/v1/Alerts?PageSize=3&Page=1&PageToken=PA2",
        ),
    )
    got = [a.sid async for a in client.alerts.stream(limit=3)]
    assert got == sids[:3]
    assert len(sent(mock_http)) == 1  # the full first page satisfied the limit: no second request


async def test_page_limit_and_next_page(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    nxt = f"{API}/v1/Alerts?PageSize=2&Page=1&PageToken=PA1"
    mock_http.get(
        f"{API}/v1/Alerts?PageSize=2",
        payload=page("alerts", [{"sid": NO}, {"sid": NO}], nxt),
        repeat=True,
    )
    mock_http.get(nxt, payload=page("alerts", [{"sid": NO}]), repeat=True)
    assert len(await client.alerts.list(page_size=2, page_limit=1)) == 2
    first = await client.alerts.page(page_size=2)
    assert first.next_page_url == nxt and len(first) == 2
    second = await first.next_page()
    assert second is not None and len(second) == 1 and second.next_page_url is None
    assert await second.next_page() is None
    resumed = await client.alerts.page(page_url=nxt)
    assert [a.sid for a in resumed] == [NO]


async def test_fetch_returns_the_instance_view(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}/v1/Alerts/{NO}",
        payload={"sid": NO, "response_body": "<html/>", "log_level": "error"},
    )
    mock_http.get(f"{API}/v1/Events/{AE}", payload={"sid": AE, "event_type": "x.y"})
    alert = await client.alerts.fetch(NO)
    assert isinstance(alert, AlertInstance) and alert.response_body == "<html/>"
    assert (await client.events.fetch(AE)).event_type == "x.y"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.alerts.fetch("NO123"), "sid"),
        (lambda c: c.alerts.fetch(AE), "sid"),
        (lambda c: c.events.fetch(NO), "sid"),
        (lambda c: c.alerts.list(log_level="loud"), "log_level"),
        (lambda c: c.alerts.list(start_date="last tuesday"), "start_date"),
        (lambda c: c.alerts.list(end_date=12), "end_date"),
        (lambda c: c.alerts.list(page_size=0), "page_size"),
        (lambda c: c.alerts.list(page_size=1001), "page_size"),
        (lambda c: c.alerts.list(limit=0), "limit"),
        (lambda c: c.alerts.list(page_limit=-1), "page_limit"),
        (lambda c: c.alerts.list(log_levle="error"), "log_levle"),
        (lambda c: c.events.list(actor_sid=CA), "actor_sid"),
        (lambda c: c.events.list(resource_sid="CA12"), "resource_sid"),
        (lambda c: c.events.list(event_type=""), "event_type"),
        (
            lambda c: c.alerts.page(page_url=f"{API}/v1/Alerts?Page=2", log_level="error"),
            "log_level",
        ),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    mock_http: aioresponses, client: TwilioMonitorClient, call: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await call(client)
    assert caught.value.field == field
    assert field in str(caught.value)
    assert sent(mock_http) == []


async def test_stream_validates_when_called_not_when_iterated(client: TwilioMonitorClient) -> None:
    with pytest.raises(ValidationError):
        client.alerts.stream(page_size=5000)


async def test_errors_carry_status_code_message_method_and_url(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}/v1/Alerts/{NO}",
        status=404,
        payload={
            "code": 20404,
            "message": "The requested resource was not found",
            "more_info": "https://www.twilio.com/docs/errors/20404",
            "status": 404,
        },
    )
    mock_http.get(
        f"{API}/v1/Events/{AE}",
        status=401,
        payload={"code": 20003, "message": "Authenticate", "status": 401},
    )
    with pytest.raises(NotFoundError) as missing:
        await client.alerts.fetch(NO)
    error = missing.value
    assert (error.status, error.code, error.method) == (404, 20404, "GET")
    assert error.url == f"{API}/v1/Alerts/{NO}"
    assert error.more_info == "https://www.twilio.com/docs/errors/20404"
    with pytest.raises(AuthenticationError) as denied:
        await client.events.fetch(AE)
    assert denied.value.code == 20003
    assert AUTH_TOKEN not in str(denied.value) and AUTH_TOKEN not in repr(denied.value)
    assert len(sent(mock_http)) == 2  # neither is retried


async def test_bodies_that_are_not_json_or_not_the_shape_raise_decode_error(
    mock_http: aioresponses,
) -> None:
    from twilio_monitor_async import RetryPolicy

    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=False) as client:
        mock_http.get(f"{API}/v1/Alerts/{NO}", body=b"<html>oops</html>", content_type="text/html")
        with pytest.raises(DecodeError) as not_json:
            await client.alerts.fetch(NO)
        assert not_json.value.url.startswith(f"{API}/v1/Alerts/{NO}")
        mock_http.get(f"{API}/v1/Alerts?PageSize=1000", payload={"alerts": "nope", "meta": {}})
        with pytest.raises(DecodeError):
            await client.alerts.list()
        mock_http.get(f"{API}/v1/Alerts?PageSize=1000", payload=page("alerts", [{"sid": NO}, 42]))
        with pytest.raises(DecodeError, match="Alert"):  # a record that is not even an object
            await client.alerts.list()
        mock_http.get(f"{API}/v1/Events/{AE}", payload=[1, 2])
        with pytest.raises(DecodeError):
            await client.events.fetch(AE)
    assert RetryPolicy.disabled().attempts == 1


async def test_foreign_or_looping_next_links_are_refused(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}/v1/Alerts?PageSize=1000",
        payload=page("alerts", [{"sid": NO}], "https://evil.example.com/v1/Alerts?Page=1"),
    )
    with pytest.raises(PagingError, match=r"evil\.example\.com"):
        await client.alerts.list()
    assert all(url.host == "monitor.twilio.com" for _, url, _ in sent(mock_http))


async def test_next_links_that_loop_back_are_refused(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    loop = f"{API}/v1/Alerts?PageSize=1000&Page=1&PageToken=PA1"
    mock_http.get(f"{API}/v1/Alerts?PageSize=1000", payload=page("alerts", [{"sid": NO}], loop))
    mock_http.get(loop, payload=page("alerts", [{"sid": NO}], loop), repeat=True)
    with pytest.raises(PagingError, match="loops back"):
        await client.alerts.list()
    assert sum(len(c) for c in mock_http.requests.values()) == 2


async def test_redirects_are_not_followed(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        f"{API}/v1/Alerts/{NO}", status=302, headers={"Location": "https://elsewhere.example.com/x"}
    )
    from twilio_monitor_async import ApiError

    with pytest.raises(ApiError, match="redirect") as caught:
        await client.alerts.fetch(NO)
    assert caught.value.status == 302
    assert len(sent(mock_http)) == 1


async def test_status_domain_requests_are_not_authenticated() -> None:
    """The sender adds Authorization only to authenticated endpoints (never the status page)."""
    from twilio_monitor_async.retry import RetryPolicy
    from twilio_monitor_async.sansio import Request
    from twilio_monitor_async.sender import Sender
    from twilio_monitor_async.transport import AiohttpTransport

    transport = Sender(
        AiohttpTransport(max_connections=2),
        authorization="Basic c2VjcmV0",
        timeout=5,
        retry=RetryPolicy.disabled(),
    )
    try:
        with aioresponses() as mocked:
            mocked.get(
                "https://status.twilio.com/api/v2/status.json", payload={"status": {}}, repeat=True
            )
            await transport.send(
                Request("GET", "https://status.twilio.com/api/v2/status.json", authenticated=False)
            )
            await transport.send(Request("GET", "https://status.twilio.com/api/v2/status.json"))
            (_, _, anonymous), (_, _, signed) = [
                (k[0], k[1], c.kwargs) for k, calls in mocked.requests.items() for c in calls
            ]
            assert "Authorization" not in anonymous["headers"]
            assert signed["headers"]["Authorization"] == "Basic c2VjcmV0"
    finally:
        await transport.aclose()


async def test_client_without_credentials_refuses_authenticated_calls(
    mock_http: aioresponses,
) -> None:
    async with TwilioMonitorClient() as anonymous:
        with pytest.raises(ValidationError, match="credentials") as caught:
            await anonymous.alerts.list()
        assert caught.value.field == "auth_token"
    assert sent(mock_http) == []


async def test_connection_errors_become_transport_errors(mock_http: aioresponses) -> None:
    from twilio_monitor_async import TransportError

    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=False) as client:
        mock_http.get(f"{API}/v1/Alerts/{NO}", exception=aiohttp.ServerDisconnectedError())
        with pytest.raises(TransportError, match="connection dropped") as caught:
            await client.alerts.fetch(NO)
        assert caught.value.method == "GET"
