"""Retry decisions (pure) and the retry loop as it runs against mocked responses."""

from __future__ import annotations

import logging

import aiohttp
import pytest
from aioresponses import aioresponses

from twilio_monitor_async import (
    ApiError,
    BadRequestError,
    ConnectError,
    ConnectionDroppedError,
    DecodeError,
    RateLimitError,
    ResponseTimeoutError,
    RetryPolicy,
    ServerError,
    TruncatedBodyError,
    TwilioMonitorClient,
    ValidationError,
)
from twilio_monitor_async.sansio import Request, error_for

from ..conftest import ACCOUNT_SID, API, AUTH_TOKEN, FAST_RETRY

NO = "NO" + "ab" * 16
URL = f"{API}/v1/Alerts/{NO}"
GET, PUT, DELETE = Request("GET", URL), Request("PUT", URL), Request("DELETE", URL)
POST = Request("POST", URL)
POST_WITH_TOKEN = Request("POST", URL, headers=(("Idempotency-Token", "t-1"),))


def api_error(status: int, retry_after: float | None = None) -> ApiError:
    error = error_for(status, b"", "GET", URL)
    error.retry_after = retry_after
    return error


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("request_", [GET, PUT, DELETE, POST_WITH_TOKEN])
def test_idempotent_requests_retry_transient_statuses(status: int, request_: Request) -> None:
    assert RetryPolicy().should_retry(api_error(status), request_)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
def test_client_errors_never_retry(status: int) -> None:
    assert not RetryPolicy().should_retry(api_error(status), GET)


def test_plain_post_retries_only_429_and_failed_connects() -> None:
    policy = RetryPolicy()
    assert policy.should_retry(api_error(429), POST)
    assert not any(policy.should_retry(api_error(s), POST) for s in (500, 502, 503, 504))
    assert policy.should_retry(ConnectError(method="POST", url=URL, reason="refused"), POST)
    # the decision reads the type, never the text
    assert not policy.should_retry(
        ResponseTimeoutError(method="POST", url=URL, reason="cannot connect"), POST
    )
    assert not policy.should_retry(
        ConnectionDroppedError(method="POST", url=URL, reason="cannot connect"), POST
    )
    assert not policy.should_retry(TruncatedBodyError(method="POST", url=URL, reason="cut"), POST)
    assert policy.should_retry(ResponseTimeoutError(method="GET", url=URL, reason="30s"), GET)
    assert policy.should_retry(TruncatedBodyError(method="GET", url=URL, reason="cut"), GET)


def test_a_complete_body_that_is_not_json_is_never_retried() -> None:
    assert not RetryPolicy().should_retry(DecodeError(url=URL, reason="<html>"), GET)


def test_retry_after_beyond_the_cap_ends_retries() -> None:
    policy = RetryPolicy(max_retry_after=10)
    assert policy.should_retry(api_error(429, retry_after=10), GET)
    assert not policy.should_retry(api_error(429, retry_after=11), GET)


def test_wait_honours_retry_after_and_otherwise_backs_off_with_jitter() -> None:
    policy = RetryPolicy(backoff_initial=1.0, backoff_max=5.0, jitter=0.5)
    assert policy.wait_seconds(1, retry_after=2.5) == 2.5
    for attempt, base in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)):
        waits = {policy.wait_seconds(attempt, None) for _ in range(50)}
        assert all(base <= w <= base * 1.5 for w in waits)
        assert len(waits) > 1  # jitter


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError, match="deadline"):
        RetryPolicy(deadline=0)
    # Checked by the encoders every argument goes through: a ValidationError naming the field,
    # not a TypeError from comparing a string with a number.
    with pytest.raises(ValidationError, match="attempts"):
        RetryPolicy(attempts="3")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="jitter"):
        RetryPolicy(jitter=-0.5)


async def test_transient_failures_are_retried_then_succeed(mock_http: aioresponses) -> None:
    client = TwilioMonitorClient(
        ACCOUNT_SID, AUTH_TOKEN, retry=RetryPolicy(attempts=5, backoff_initial=0.001, jitter=0)
    )
    mock_http.get(URL, status=503, payload={"code": 20503, "message": "busy"})
    mock_http.get(URL, exception=aiohttp.ServerDisconnectedError())
    mock_http.get(URL, body=b'{"sid": "NO', content_type="application/json")  # truncated JSON
    mock_http.get(URL, status=429, headers={"Retry-After": "0"}, payload={"code": 20429})
    mock_http.get(URL, payload={"sid": NO})
    async with client:
        alert = await client.alerts.fetch(NO)
    assert alert.sid == NO
    stats = client.stats
    assert stats.requests == 5
    assert dict(stats.retries) == {"503": 1, "dropped": 1, "truncated body": 1, "429": 1}
    assert stats.total_retries == 4 and not stats.gave_up


async def test_attempts_are_capped_and_the_last_error_is_raised(mock_http: aioresponses) -> None:
    mock_http.get(URL, status=502, payload={"code": 20502, "message": "bad gateway"}, repeat=True)
    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=FAST_RETRY) as client:
        with pytest.raises(ServerError) as caught:
            await client.alerts.fetch(NO)
        assert caught.value.status == 502 and caught.value.message == "bad gateway"
        assert client.stats.requests == FAST_RETRY.attempts
        assert client.stats.gave_up["502"] == 1


async def test_rate_limit_that_persists_raises_rate_limit_error(mock_http: aioresponses) -> None:
    mock_http.get(
        URL, status=429, headers={"Retry-After": "0.001"}, payload={"code": 20429}, repeat=True
    )
    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=FAST_RETRY) as client:
        with pytest.raises(RateLimitError):
            await client.alerts.fetch(NO)
        assert client.stats.retries["429"] == FAST_RETRY.attempts - 1


async def test_retry_after_is_what_the_client_waits(
    mock_http: aioresponses, caplog: pytest.LogCaptureFixture
) -> None:
    mock_http.get(URL, status=429, headers={"Retry-After": "0.05"}, payload={"code": 20429})
    mock_http.get(URL, payload={"sid": NO})
    async with TwilioMonitorClient(
        ACCOUNT_SID, AUTH_TOKEN, retry=RetryPolicy(backoff_initial=5.0)
    ) as client:
        with caplog.at_level(logging.WARNING, logger="twilio_monitor_async"):
            await client.alerts.fetch(NO)
    (record,) = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert "sleeping 0.05s" in record.getMessage()  # Retry-After, not the 5 s backoff
    assert AUTH_TOKEN not in record.getMessage()


async def test_deadline_stops_retrying_before_a_sleep_would_cross_it(
    mock_http: aioresponses,
) -> None:
    mock_http.get(URL, status=503, payload={}, repeat=True)
    policy = RetryPolicy(
        attempts=100, deadline=0.5, backoff_initial=0.2, backoff_max=0.2, jitter=0.0
    )
    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=policy) as client:
        with pytest.raises(ServerError):
            await client.alerts.fetch(NO)
        # 0.2 s sleeps in a 0.5 s deadline leave room for three tries, never a hundred.
        assert 2 <= client.stats.requests <= 4


async def test_non_retryable_errors_surface_at_once(
    mock_http: aioresponses, client: TwilioMonitorClient
) -> None:
    mock_http.get(
        URL, status=400, payload={"code": 20001, "message": "Invalid parameter"}, repeat=True
    )
    with pytest.raises(BadRequestError, match="Invalid parameter"):
        await client.alerts.fetch(NO)
    assert client.stats.requests == 1 and client.stats.total_retries == 0


async def test_retry_can_be_turned_off(mock_http: aioresponses) -> None:
    mock_http.get(URL, status=503, payload={}, repeat=True)
    async with TwilioMonitorClient(ACCOUNT_SID, AUTH_TOKEN, retry=False) as client:
        with pytest.raises(ServerError):
            await client.alerts.fetch(NO)
        assert client.stats.requests == 1
