"""The fake Twilio server: state, fault plan, statistics, the aiohttp app and its lifecycle.

One server answers every domain (Monitor, Events, Api 2010, status page): their paths do not
collide, so ``FakeTwilio.base_urls`` points all of them at the same loopback address. Each API
contributes a module with a ``ROUTES`` list of declarations and a ``seed`` function; adding an
API to the fake is adding it to ``_API_MODULES``.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web
from attrs import define, field

from . import _alarms, _events_v1, _monitor, _notifications, _seed, _status_page
from ._routes import SeenRequest, wrap
from ._store import Collection

if TYPE_CHECKING:
    from ..client import TwilioMonitorClient

__all__ = [
    "ALL_FAULTS",
    "FAKE_ACCOUNT_SID",
    "FAKE_AUTH_TOKEN",
    "STATE_KEY",
    "FakeState",
    "FakeStats",
    "FakeTwilio",
    "FaultPlan",
    "SeenRequest",
    "create_app",
]

#: The fake's own account and token: not secrets, but tests still check they never leak.
FAKE_ACCOUNT_SID = "AC" + "fa4e" * 8
FAKE_AUTH_TOKEN = "fake-auth-token-5f2b9c81d7"
#: A fixed "now" so that seeded data (and every test on it) is the same on every run.
DEFAULT_NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=timezone.utc)
ALL_FAULTS = ("429", "500", "502", "503", "504", "drop", "truncate", "slow")

_API_MODULES: tuple[ModuleType, ...] = (
    _monitor,
    _alarms,
    _events_v1,
    _notifications,
    _status_page,
)


@define
class FaultPlan:
    """What goes wrong, and how often. Mutable: a test may raise ``rate`` mid-run.

    rate: share of API requests that get a fault, 0..1, drawn from ``kinds`` uniformly.
    retry_after: the Retry-After (seconds) sent with injected 429s.
    slow_seconds: how long a ``slow`` response is held (make it longer than the client timeout).
    latency: seconds added to every API response (benchmarks of latency-bound work).
    """

    rate: float = 0.0
    kinds: tuple[str, ...] = ALL_FAULTS
    retry_after: float = 0.02
    slow_seconds: float = 1.0
    latency: float = 0.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        unknown = set(self.kinds) - set(ALL_FAULTS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {ALL_FAULTS}")
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
class FakeState:
    """Everything the fake serves. Tests read and change it directly (add an alert, ...)."""

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

    @classmethod
    def seeded(
        cls, *, seed: int = 0, now: datetime = DEFAULT_NOW, sizes: Mapping[str, int] | None = None
    ) -> FakeState:
        """A state with deterministic data; ``sizes`` sets record counts (``{"alerts": 10_000}``)."""
        state = cls(now=now)
        sizes = sizes or {}
        known = {name for module in _API_MODULES for name in module.SIZES}
        unknown = set(sizes) - known
        if unknown:
            raise TypeError(f"unknown sizes {sorted(unknown)}; known: {sorted(known)}")
        for module in _API_MODULES:
            wanted = {name: sizes.get(name, default) for name, default in module.SIZES.items()}
            module.seed(state, random.Random(f"{seed}:{module.__name__}"), **wanted)
        return state

    def collection(self, name: str) -> Collection:
        return self.collections[name]

    @property
    def status_page(self) -> _status_page.FakeStatusPage:
        """The fake status page's state (components, incidents, ...): change it to simulate an
        outage."""
        page: _status_page.FakeStatusPage = self.extra["status_page"]
        return page

    def add_alert(self, **fields: Any) -> dict[str, Any]:
        """Add a generated alert as if it just arrived (generated at the fake's ``now``, unless
        ``fields`` say otherwise; ``fields`` override any value)."""
        now = _seed.iso(self.now)
        fields = {"date_generated": now, "date_created": now, "date_updated": now, **fields}
        return self.collections["alerts"].add(_monitor.make_alert(self.rng, self, **fields))

    def add_odd_alert(self, oddity: str, **fields: Any) -> dict[str, Any]:
        """Add an alert shaped like the odd ones real servers send, to test code against them.

        ``oddity`` is ``"blank_dates"`` (every date ``""`` or blank), ``"future_date"`` (dated
        2099: a server clock gone wrong) or ``"undecodable"`` (optional fields holding values
        no decoder can read: an object for the error code, a list for ``more_info``, a date
        that is not one). ``fields`` override any value, as in ``add_alert``.
        """
        odd = _monitor.ODD_ALERTS.get(oddity)
        if odd is None:
            raise ValueError(f"unknown oddity {oddity!r}; known: {sorted(_monitor.ODD_ALERTS)}")
        return self.add_alert(**{**odd, **fields})

    def add_event(self, **fields: Any) -> dict[str, Any]:
        """Add a generated audit event dated at the fake's ``now`` (``fields`` override any
        value)."""
        fields = {"event_date": _seed.iso(self.now), **fields}
        return self.collections["events"].add(_monitor.make_event(self.rng, self, **fields))


#: Where the app keeps its FakeState (``app[STATE_KEY]``).
STATE_KEY = web.AppKey("state", FakeState)


def create_app(state: FakeState) -> web.Application:
    """The aiohttp application serving ``state``; mount it anywhere, or use FakeTwilio."""
    app = web.Application()
    app[STATE_KEY] = state
    routes: Iterable[Any] = [route for module in _API_MODULES for route in module.ROUTES]
    for route in routes:
        method, path, handler = wrap(route, state)
        app.router.add_route(method, path, handler)
    return app


class FakeTwilio:
    """The fake Twilio server on a loopback port, as an async context manager.

    async with FakeTwilio(alerts=5_000) as fake:
        async with fake.client() as client:
            alerts = await client.alerts.list(limit=10)
    """

    def __init__(
        self,
        *,
        state: FakeState | None = None,
        seed: int = 0,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        **sizes: int,
    ) -> None:
        self.state = state if state is not None else FakeState.seeded(seed=seed, sizes=sizes)
        if faults is not None:
            self.state.faults = faults
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def faults(self) -> FaultPlan:
        return self.state.faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self.state.faults = plan

    @property
    def stats(self) -> FakeStats:
        return self.state.stats

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the fake server is not running; use 'async with FakeTwilio()'")
        return self._url

    @property
    def base_urls(self) -> Mapping[str, str]:
        """``base_urls`` for TwilioMonitorClient: every domain at this server."""
        return {domain: self.url for domain in ("monitor", "events", "api", "status")}

    @property
    def account_sid(self) -> str:
        return self.state.account_sid

    @property
    def auth_token(self) -> str:
        return self.state.auth_token

    def client(self, **options: Any) -> TwilioMonitorClient:
        """A client with the fake's credentials and base URLs (``options`` go to the client)."""
        from ..client import TwilioMonitorClient

        options.setdefault("base_urls", self.base_urls)
        return TwilioMonitorClient(self.state.account_sid, self.state.auth_token, **options)

    async def start(self) -> str:
        app = create_app(self.state)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._runner = runner
        server = runner.server
        self.state.open_connections = lambda: len(server.connections) if server else 0
        port = next(addr[1] for addr in (runner.addresses or []) if isinstance(addr, tuple))
        host = f"[{self._host}]" if ":" in self._host else self._host
        self._url = f"http://{host}:{port}"
        return self._url

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        self._url = None

    async def __aenter__(self) -> FakeTwilio:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
