"""The state every part of the fake shares: records, credentials, the fault plan, statistics.

It sits below the fake's APIs, routes and servers, which all import it and none of which it
imports, so the package has no import circle. ``FakeState`` (in ``_fake_state``) adds the
seeding over every fake API.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from attrs import define, field, frozen

from ._store import Collection

__all__ = [
    "ALL_FAULTS",
    "DEFAULT_NOW",
    "FAKE_ACCOUNT_SID",
    "FAKE_AUTH_TOKEN",
    "HOSTILE_FAULTS",
    "FakeStats",
    "FaultPlan",
    "SeenRequest",
    "ServerState",
]

#: The fake's own account and token: not secrets, but tests still check they never leak.
FAKE_ACCOUNT_SID = "AC" + "fa4e" * 8
FAKE_AUTH_TOKEN = "fake-auth-token-5f2b9c81d7"
#: A fixed "now" so that seeded data (and every test on it) is the same on every run.
DEFAULT_NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)
ALL_FAULTS = ("429", "500", "502", "503", "504", "drop", "truncate", "slow")
#: Faults of a hostile (or badly broken) server, never drawn unless named in ``kinds``:
#: ``huge-retry-after`` a 429 whose Retry-After is ``FaultPlan.hostile_retry_after``;
#: ``oversized`` a body whose Content-Length is ``body_bytes``; ``endless`` a body that never
#: ends; ``bomb`` gzip that inflates to ``body_bytes``; on lists, ``empty-pages`` no records and
#: a fresh next link every time, ``foreign-link`` the next link on ``foreign_origin``,
#: ``twilio-host-link`` the next link on the product's Twilio host (``twilio_host``);
#: ``echo-credentials`` a 400 whose message echoes the request's Authorization header.
HOSTILE_FAULTS = (
    "huge-retry-after",
    "oversized",
    "endless",
    "bomb",
    "empty-pages",
    "foreign-link",
    "twilio-host-link",
    "echo-credentials",
)


@frozen
class SeenRequest:
    """One request as the fake received it (for tests that check what a client sent)."""

    method: str
    path_qs: str
    headers: Mapping[str, str] = field(repr=False)


@define
class FaultPlan:
    """What goes wrong, and how often. Mutable: a test may raise ``rate`` mid-run.

    rate: share of API requests that get a fault, 0..1, drawn from ``kinds`` uniformly.
    kinds: from ``ALL_FAULTS`` (the default: faults a real server has) and ``HOSTILE_FAULTS``.
    retry_after: the Retry-After (seconds) sent with injected 429s.
    slow_seconds: how long a ``slow`` response is held (make it longer than the client timeout).
    latency: seconds added to every API response (benchmarks of latency-bound work).
    hostile_retry_after: the Retry-After header of ``huge-retry-after`` (any text: ``inf``,
    ``-5``, ``Fri, 31 Dec 9999 23:59:59 GMT``).
    body_bytes: what an ``oversized`` body declares and sends, and a ``bomb`` inflates to.
    foreign_origin / twilio_host: where ``foreign-link`` and ``twilio-host-link`` move next
    links (``{product}`` is monitor, events or api).
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = ALL_FAULTS
    retry_after: float = 0.02
    slow_seconds: float = 1.0
    latency: float = 0.0
    seed: int = 0
    hostile_retry_after: str = "999999"
    body_bytes: int = 1 << 30
    foreign_origin: str = "https://evil.example.com"
    twilio_host: str = "{product}.twilio.com"
    _rng: random.Random = field(init=False, repr=False)
    #: Numbers the ``empty-pages`` links, so that no two are the same.
    empty_pages_served: int = field(init=False, default=0, repr=False)

    def __attrs_post_init__(self) -> None:
        known = ALL_FAULTS + HOSTILE_FAULTS
        unknown = set(self.kinds) - set(known)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {known}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        self._rng = random.Random(self.seed)

    def roll(self) -> str | None:
        if self.rate <= 0 or not self.kinds:
            return None
        if self._rng.random() >= self.rate:
            return None
        return self._rng.choice(self.kinds)


@define
class FakeStats:
    """What the fake saw: requests, statuses, faults, and the concurrency it was under.

    ``recent`` keeps the last 1000 requests (method, path with query, headers).
    """

    requests: int = 0
    responses: Counter[int] = field(factory=Counter)
    faults: Counter[str] = field(factory=Counter)
    auth_failures: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    peak_connections: int = 0
    recent: deque[SeenRequest] = field(factory=lambda: deque(maxlen=1000), repr=False)

    def reset(self) -> None:
        self.requests = self.auth_failures = self.max_in_flight = self.peak_connections = 0
        self.responses.clear()
        self.faults.clear()
        self.recent.clear()


@define
class ServerState:
    """Everything the fake serves, as every fake API reads and changes it.

    ``FakeState`` (the public name) adds seeding and the helpers tests use.
    """

    account_sid: str = FAKE_ACCOUNT_SID
    auth_token: str = FAKE_AUTH_TOKEN
    now: datetime = DEFAULT_NOW
    collections: dict[str, Collection] = field(factory=dict)
    #: username -> password accepted by Basic auth (the account's token, plus any API keys).
    credentials: dict[str, str] = field(factory=dict)
    faults: FaultPlan = field(factory=FaultPlan)
    stats: FakeStats = field(factory=FakeStats)
    #: Per-API extra state (idempotency tokens, status page, ...), by API module name.
    extra: dict[str, Any] = field(factory=dict)
    open_connections: Callable[[], int] = field(default=lambda: 0, repr=False)
    #: Randomness for records added after seeding (seeded too, so tests stay repeatable).
    rng: random.Random = field(factory=lambda: random.Random(0), repr=False)

    def __attrs_post_init__(self) -> None:
        self.credentials.setdefault(self.account_sid, self.auth_token)

    def collection(self, name: str) -> Collection:
        return self.collections[name]
