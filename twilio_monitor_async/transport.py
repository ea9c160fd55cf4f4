"""The only place that does I/O: one aiohttp session per client, sending Requests with retries.

The transport owns the connection pool (a TCPConnector with a limit), adds the Authorization
header to requests that need it (never to the status page), applies the timeout, maps aiohttp's
failures onto the library's errors, parses JSON, and runs the retry policy through tenacity.
Everything it decides about the wire it asks ``sansio``; everything about retrying, ``retry``.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from attrs import frozen
from multidict import CIMultiDictProxy
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from ._version import __version__
from .concurrency import CONCURRENT_REQUESTS_HEADER, account_concurrency
from .errors import ApiError, TransportError, ValidationError
from .limits import RequestLimits
from .retry import RetryPolicy, RetryStats, cause_of
from .sansio import Request, decode_json, error_for, redact_url, retry_after_seconds

__all__ = ["USER_AGENT", "Response", "Transport"]

logger = logging.getLogger("twilio_monitor_async")

USER_AGENT = (
    f"twilio-monitor-async/{__version__} (Python {platform.python_version()}; "
    f"aiohttp {aiohttp.__version__})"
)


@frozen
class Response:
    """A successful response: its status, headers and parsed JSON (None for an empty body)."""

    status: int
    headers: CIMultiDictProxy[str]
    data: Any
    url: str


class Transport:
    """Sends Requests over one pooled aiohttp session, with the retry policy applied."""

    def __init__(
        self,
        *,
        authorization: str | None,
        timeout: float,
        max_connections: int,
        retry: RetryPolicy,
        limits: RequestLimits | None = None,
    ) -> None:
        self._authorization = authorization
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._max_connections = max_connections
        self.retry = retry
        #: Shared by every request of the client (fan-out, shards, prefetch alike).
        self.limits = limits if limits is not None else RequestLimits()
        self.stats = RetryStats(concurrency=self.limits.concurrency.stats)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"<Transport max_connections={self._max_connections} "
            f"authenticated={self._authorization is not None} closed={self._closed}>"
        )

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """The connection pool, once the first request has created it."""
        return None if self._session is None else self._session.connector

    def _get_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("the client is closed")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                timeout=self._timeout,
                raise_for_status=False,
            )
        return self._session

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def send(
        self, request: Request, *, decode: Callable[[bytes, str], Any] | None = None
    ) -> Response:
        """Send ``request`` until it succeeds, fails for good, or the policy gives up.

        ``decode(body, url)`` turns a successful body into ``Response.data`` instead of the
        plain JSON parse (the paging fast path); what it raises is retried like a bad body."""
        if request.authenticated and self._authorization is None:
            raise ValidationError(
                "auth_token",
                "no credentials configured: pass account_sid and auth_token "
                "(or api_key and api_secret) to the client",
            )
        policy = self.retry
        # Fast path: most requests succeed at once, and setting up tenacity costs about as much
        # as the rest of our per-request work; it is only set up once an attempt has failed.
        try:
            return await self._send_once(request, decode)
        except Exception as error:
            if policy.attempts > 1 and policy.should_retry(error, request):
                first_failure: Exception | None = error
            else:
                raise
        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.attempts) | stop_before_delay(policy.deadline),
            wait=self._wait,
            retry=retry_if_exception(lambda error: policy.should_retry(error, request)),
            before_sleep=lambda state: self._before_sleep(state, request),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    if first_failure is not None:
                        # Replay the first attempt's failure so that tenacity counts it, logs
                        # it, and waits before the second attempt, exactly as if it had run it.
                        failure, first_failure = first_failure, None
                        raise failure
                    return await self._send_once(request, decode)
        except Exception as error:
            if policy.should_retry(error, request):
                self.stats.gave_up[cause_of(error)] += 1
            raise
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = error.retry_after if isinstance(error, ApiError) else None
        wait = self.retry.wait_seconds(state.attempt_number, retry_after)
        if retry_after is None and isinstance(error, ApiError) and error.status == 429:
            # issue 14: a 429 without Retry-After is the account's concurrency cap, and the
            # adaptive limit has already cut back: the retry waits its turn there, after a
            # tenth of the usual backoff (still exponential, still within the deadline).
            wait *= 0.1
        return wait

    def _before_sleep(self, state: RetryCallState, request: Request) -> None:
        error = state.outcome.exception() if state.outcome else None
        cause = cause_of(error) if error else "unknown"
        self.stats.retries[cause] += 1
        sleep = state.upcoming_sleep
        logger.warning(
            "retrying %s %s after %s (attempt %d failed, sleeping %.2fs)",
            request.method,
            request.display_url,
            cause,
            state.attempt_number,
            sleep,
        )

    async def _send_once(
        self, request: Request, decode: Callable[[bytes, str], Any] | None = None
    ) -> Response:
        session = self._get_session()
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **dict(request.headers)}
        if request.authenticated:
            assert self._authorization is not None
            headers["Authorization"] = self._authorization
        self.stats.requests += 1
        started = time.perf_counter()
        try:
            async with (
                self.limits.slot() as permit,
                session.request(
                    request.method,
                    request.url,
                    params=request.params or None,
                    data=request.body,
                    headers=headers,
                    allow_redirects=False,
                ) as response,
            ):
                body = await response.read()
                status = response.status
                response_headers = response.headers
                url = str(response.url)
                # issue 14 seam: the adaptive limit learns the account's cap from each answer
                # (a 429 past it, the Twilio-Concurrent-Requests header); 5xx teach it nothing.
                account = account_concurrency(response_headers.get(CONCURRENT_REQUESTS_HEADER))
                if status == 429:
                    permit.rejected(account)
                elif status < 500:
                    permit.succeeded(account)
        except asyncio.TimeoutError:
            raise self._transport_error(
                request, f"timeout: no complete response within {self._timeout.total}s"
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise self._transport_error(request, f"cannot connect: {exc}") from None
        except aiohttp.ClientPayloadError as exc:
            # The connection ended before the promised body did. Labelled apart from a
            # complete response whose JSON is cut short (a DecodeError, "truncated body"), so
            # the retry counts tell the two faults apart.
            raise self._transport_error(request, f"dropped mid-body: {exc}") from None
        except aiohttp.ServerDisconnectedError:
            raise self._transport_error(
                request, "connection dropped: server disconnected"
            ) from None
        except aiohttp.ClientError as exc:
            raise self._transport_error(request, f"connection error: {exc}") from None
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d (%d bytes, %.1f ms)",
                request.method,
                request.display_url,
                status,
                len(body),
                (time.perf_counter() - started) * 1000,
            )
        if 300 <= status < 400:
            location = redact_url(response_headers.get("Location", ""))
            raise ApiError(
                status=status,
                method=request.method,
                url=request.display_url,
                message=f"redirect to {location!r} not followed (credentials stay here)",
            )
        if status >= 400:
            error = error_for(status, body, request.method, request.display_url)
            error.retry_after = retry_after_seconds(response_headers.get("Retry-After"))
            if status == 429 and error.retry_after:
                # The account is over its limit: hold every new attempt of this client, not
                # just this request's retry, until the server said to come back.
                self.limits.pause_until(asyncio.get_running_loop().time() + error.retry_after)
            raise error
        data = (decode or decode_json)(body, url) if body else None
        return Response(status=status, headers=response_headers, data=data, url=url)

    @staticmethod
    def _transport_error(request: Request, reason: str) -> TransportError:
        return TransportError(method=request.method, url=request.display_url, reason=reason)
