"""The retry policy: which failures are worth another attempt, and how long to wait first.

A policy is plain configuration (attrs) plus two pure decisions, ``should_retry`` and
``wait_seconds``; the transport hands them to tenacity. Idempotency decides what may be repeated:
a GET, PUT or DELETE, or a POST carrying an Idempotency-Token, is retried on 429, 5xx gateway
errors, dropped connections, timeouts and cut-off bodies; a plain POST only on 429 (the server
did not act on it) or on a ``ConnectError`` (the connection was never made). Decisions read the
error's type and class attributes (``TransportError.sent_nothing``, ``cause``), never its text.
"""

from __future__ import annotations

import random
from collections import Counter

from attrs import define, field, frozen

from ._endpoints import positive_integer, seconds
from .concurrency import ConcurrencyStats
from .errors import ApiError, TransportError
from .sansio import Request

__all__ = ["RetryPolicy", "RetryStats"]


@frozen
class RetryPolicy:
    """How the client retries. ``RetryPolicy.disabled()`` sends every request once.

    attempts: total tries per request, the first included.
    deadline: seconds from the first try after which no new try starts.
    backoff_initial / backoff_max / jitter: exponential backoff (doubling) with random jitter.
    max_retry_after: the longest ``Retry-After`` honoured; a longer one (or ``inf``, or a date
    in year 9999) ends the retries at once, and no pause of the client lasts longer.
    """

    attempts: int = 5
    deadline: float = 120.0
    backoff_initial: float = 0.25
    backoff_max: float = 20.0
    jitter: float = 0.25
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def __attrs_post_init__(self) -> None:
        positive_integer("attempts", self.attempts)
        seconds(positive=True)("deadline", self.deadline)
        for name in ("backoff_initial", "backoff_max", "jitter", "max_retry_after"):
            seconds()(name, getattr(self, name))

    @classmethod
    def disabled(cls) -> RetryPolicy:
        return cls(attempts=1)

    def should_retry(self, error: BaseException, request: Request) -> bool:
        """Whether ``error`` from sending ``request`` is worth another attempt."""
        if isinstance(error, ApiError):
            if error.status not in self.retry_statuses:
                return False
            if error.retry_after is not None and error.retry_after > self.max_retry_after:
                return False
            return error.status == 429 or request.idempotent
        if isinstance(error, TransportError):  # a body cut short (TruncatedBodyError) included
            return request.idempotent or error.sent_nothing
        return False  # a DecodeError of a complete body would only come back the same

    def wait_seconds(self, retry_number: int, retry_after: float | None) -> float:
        """Seconds to sleep before retry number ``retry_number`` (1 for the first retry)."""
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        backoff = min(self.backoff_max, self.backoff_initial * 2.0 ** (retry_number - 1))
        return backoff + random.uniform(0, self.jitter * backoff)


def cause_of(error: BaseException) -> str:
    """A short label for counting retries: the HTTP status, or the failure's ``cause``."""
    if isinstance(error, ApiError):
        return str(error.status)
    cause = getattr(type(error), "cause", None)
    return cause if isinstance(cause, str) else type(error).__name__


@define
class RetryStats:
    """Counters of one client's traffic: requests sent, retries by cause, and give-ups; and
    ``concurrency``, the adaptive limit's figures (limit now, 429s, time spent waiting)."""

    requests: int = 0
    retries: Counter[str] = field(factory=Counter)
    gave_up: Counter[str] = field(factory=Counter)
    concurrency: ConcurrencyStats = field(factory=ConcurrencyStats)

    @property
    def total_retries(self) -> int:
        return sum(self.retries.values())
