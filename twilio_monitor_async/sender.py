"""Sending a Request for the client: credentials, limits, deciphering and retries, in one place.

``Sender.send`` is the one path every request of a client takes: it adds the User-Agent and the
Authorization header (only to authenticated endpoints: never to the status page), waits for the
client's request budget (``limits``), hands the request to the ``Transport`` (the only I/O),
lets ``sansio.decipher`` judge the response, and runs the ``RetryPolicy`` through tenacity.
Each attempt's answer also teaches the client's adaptive concurrency limit (``limits``) about the
account's own: a 429 past it, the ``Twilio-Concurrent-Requests`` header on every response.

A caller may pass ``decode`` (the paging engine's one-pass page decoder): a successful body goes
to it first, and only when it refuses (None) to ``decipher``'s plain JSON. It runs here, after
the transport, so every transport (aiohttp, ``FakeTransport``, a user's own) gets it.
"""

from __future__ import annotations

import asyncio
import logging
import platform
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from attrs import evolve, frozen
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
)

from ._version import __version__
from .concurrency import CONCURRENT_REQUESTS_HEADER, account_concurrency
from .errors import ApiError, ClientClosedError, RateLimitError, ValidationError
from .limits import RequestLimits
from .retry import RetryPolicy, RetryStats, cause_of
from .sansio import Request, decipher, host_of
from .transport import Transport

__all__ = ["USER_AGENT", "ParsedResponse", "Sender"]

logger = logging.getLogger("twilio_monitor_async")

USER_AGENT = (
    f"twilio-monitor-async/{__version__} (Python {platform.python_version()}; "
    f"aiohttp {aiohttp.__version__})"
)
_DEFAULT_HEADERS = (("User-Agent", USER_AGENT), ("Accept", "application/json"))


@frozen
class ParsedResponse:
    """A successful response, deciphered: its status, headers and JSON (None for no body)."""

    status: int
    headers: Any
    data: Any
    url: str


class Sender:
    """Sends Requests through one Transport, with the client's credentials, limits and retries."""

    def __init__(
        self,
        transport: Transport,
        *,
        authorization: str | None,
        timeout: float,
        retry: RetryPolicy,
        limits: RequestLimits | None = None,
        max_response_bytes: int | None = None,
    ) -> None:
        self.transport = transport
        self._authorization = authorization
        self._timeout = timeout
        self.retry = retry
        #: Shared by every request of the client (fan-out, shards, prefetch alike).
        self.limits = limits if limits is not None else RequestLimits()
        self._max_response_bytes = max_response_bytes
        self.stats = RetryStats(concurrency=self.limits.concurrency.stats)
        self.closed = False
        #: The tasks inside ``send`` now, cancelled by ``aclose()``; those it has cancelled.
        self._sending: set[asyncio.Task[Any]] = set()
        self._cancelled_by_close: set[asyncio.Task[Any]] = set()

    def __repr__(self) -> str:
        return (
            f"<Sender transport={self.transport!r} "
            f"authenticated={self._authorization is not None} closed={self.closed}>"
        )

    async def aclose(self) -> None:
        """Close: requests in flight end with ClientClosedError (never retried), then the
        transport closes."""
        self.closed = True
        for task in list(self._sending):
            if task.cancel():
                self._cancelled_by_close.add(task)
        await self.transport.aclose()

    def _prepare(self, request: Request) -> Request:
        """The request as it goes on the wire: default headers, credentials and timeout."""
        if self.closed:
            raise ClientClosedError()
        headers = _DEFAULT_HEADERS + request.headers
        if request.authenticated:
            if self._authorization is None:
                raise ValidationError(
                    "auth_token",
                    "no credentials configured: pass account_sid and auth_token "
                    "(or api_key and api_secret) to the client",
                )
            headers += (("Authorization", self._authorization),)
        return evolve(
            request,
            headers=headers,
            timeout=self._timeout,
            max_response_bytes=self._max_response_bytes,
        )

    async def send(
        self, request: Request, *, decode: Callable[[bytes], Any] | None = None
    ) -> ParsedResponse:
        """Send ``request`` until it succeeds, fails for good, or the policy gives up.

        ``decode(body)`` turns a successful body into ``ParsedResponse.data`` in place of the
        plain JSON parse, or returns None to leave it to that parse."""
        wire = self._prepare(request)
        task = asyncio.current_task()
        assert task is not None
        self._sending.add(task)
        try:
            return await self._send(request, wire, decode)
        except asyncio.CancelledError:
            if task not in self._cancelled_by_close:
                raise
            # aclose() cancelled this request: the caller gets the library's error, not a
            # cancellation of its own task (nor a retry against a closed transport).
            self._cancelled_by_close.discard(task)
            uncancel = getattr(task, "uncancel", None)  # Python 3.11+
            if uncancel is not None:
                uncancel()
            raise ClientClosedError() from None
        finally:
            self._sending.discard(task)

    async def _send(
        self, request: Request, wire: Request, decode: Callable[[bytes], Any] | None
    ) -> ParsedResponse:
        policy = self.retry
        deadline = asyncio.get_running_loop().time() + policy.deadline
        # Fast path: most requests succeed at once, and setting up tenacity costs about as much
        # as the rest of our per-request work; it is only set up once an attempt has failed.
        try:
            return await self._send_once(wire, deadline, decode)
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
                    return await self._send_once(wire, deadline, decode)
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
            # A 429 without Retry-After is the account's concurrency cap, and the adaptive limit
            # has already cut back: the retry waits its turn there, after a tenth of the usual
            # backoff (still exponential, still within the deadline).
            wait *= 0.1
        return wait

    def _before_sleep(self, state: RetryCallState, request: Request) -> None:
        error = state.outcome.exception() if state.outcome else None
        cause = cause_of(error) if error else "unknown"
        self.stats.retries[cause] += 1
        logger.warning(
            "retrying %s %s after %s (attempt %d failed, sleeping %.2fs)",
            request.method,
            request.display_url,
            cause,
            state.attempt_number,
            state.upcoming_sleep,
        )

    async def _send_once(
        self, request: Request, deadline: float, decode: Callable[[bytes], Any] | None = None
    ) -> ParsedResponse:
        if self.closed:
            raise ClientClosedError()
        host = host_of(request.url)
        loop = asyncio.get_running_loop()
        paused = self.limits.resume_in(host)
        if paused and paused > deadline - loop.time():
            # An earlier 429 from this host asked for a pause longer than this request may
            # still take: fail now rather than sleep past the caller's deadline.
            error = RateLimitError(
                status=429,
                method=request.method,
                url=request.display_url,
                message=f"{host} asked for a pause ({paused:.1f}s left, after an earlier 429) "
                "that outlasts the retry deadline",
            )
            error.retry_after = paused
            raise error
        self.stats.requests += 1
        started = time.perf_counter()
        limits = self.limits
        permit = await limits.acquire(host)
        try:
            response = await self.transport.send(request)
            # The adaptive limit learns the account's cap from each answer (a 429 past it, the
            # Twilio-Concurrent-Requests header); 5xx teach it nothing.
            status = response.status
            if status < 500:
                account = account_concurrency(response.header(CONCURRENT_REQUESTS_HEADER))
                if status == 429:
                    permit.rejected(account)
                else:
                    permit.succeeded(account)
        finally:
            limits.release()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d (%d bytes, %.1f ms)",
                request.method,
                request.display_url,
                response.status,
                len(response.body),
                (time.perf_counter() - started) * 1000,
            )
        if decode is not None and 200 <= response.status < 300 and response.body:
            data = decode(response.body)
            if data is not None:
                return ParsedResponse(response.status, response.headers, data, response.url)
        try:
            data = decipher(request, response)
        except ApiError as error:
            if error.status == 429 and error.retry_after:
                # The account is over its limit: hold every new attempt of this client to this
                # host, not just this request's retry, until the server said to come back, but
                # never longer than max_retry_after, whatever the server said.
                pause = min(error.retry_after, self.retry.max_retry_after)
                self.limits.pause_until(loop.time() + pause, host)
            raise
        return ParsedResponse(response.status, response.headers, data, response.url)
