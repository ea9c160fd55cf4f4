"""TwilioMonitorClient: configuration, credentials, the session's lifetime and the resource groups.

The client checks its configuration once (SIDs, base URLs, limits), builds the one Transport, and
exposes every resource group as an attribute. It never shows a secret: its repr names the
account and the auth method, not the token or the API secret.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import TYPE_CHECKING

from ._dates import as_utc_datetime
from ._endpoints import duration
from .concurrency import DEFAULT_CEILING
from .config import (
    BASE_URL_ENV,
    DEFAULT_BASE_URLS,
    DEFAULT_MAX_RESPONSE_BYTES,
    ClientConfig,
    parse_base_urls,
    regional_host,
)
from .errors import ValidationError
from .limits import RequestLimits
from .resources import (
    Alarms,
    Alerts,
    ApiContext,
    Events,
    EventTypes,
    Schemas,
    Sinks,
    Subscriptions,
)
from .resources.notifications import Notifications
from .resources.status_page import StatusPage
from .retry import RetryPolicy, RetryStats
from .sender import Sender
from .transport import AiohttpTransport, Transport
from .watch import HealthSnapshot, take_health_snapshot

if TYPE_CHECKING:
    import aiohttp

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URLS",
    "ClientConfig",
    "TwilioMonitorClient",
    "parse_base_urls",
    "regional_host",
]


class TwilioMonitorClient:
    """An asyncio client for everything a team uses to watch a Twilio account.

    Authenticate with ``account_sid`` + ``auth_token``, or ``api_key`` + ``api_secret`` (then
    ``account_sid`` is still needed for account-scoped paths such as Notifications). Use it as an
    async context manager, or call ``aclose()`` when done.

    All the client's work shares one limit on requests in flight, which adapts to the account's
    own (Twilio's concurrency cap, found from its 429s and the ``Twilio-Concurrent-Requests``
    header): ``max_in_flight`` is the most it may grow to (default 100), ``max_connections`` an
    optional hard cap on the pool (default: the pool follows ``max_in_flight``);
    ``rate_limit`` (requests a second, default none) spaces requests out.
    ``client.stats.concurrency`` shows the limit, the 429s and the time spent waiting.
    ``allow_insecure_http`` accepts plain ``http://`` base URLs on hosts that are not loopback
    (a fake server in another container); credentials then cross the network unencrypted.
    ``max_response_bytes`` (default 64 MiB) caps every response body, as sent and inflated.
    ``transport`` replaces the default aiohttp transport (``testing.FakeTransport`` serves the
    fake in-process); the client closes it on ``aclose()``. Every setting is checked by
    ``ClientConfig``; ``config=`` takes one ready-made instead of the keyword arguments.
    """

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        region: str | None = None,
        edge: str | None = None,
        base_urls: Mapping[str, str] | None = None,
        timeout: float = 30.0,
        max_connections: int | None = None,
        retry: RetryPolicy | bool = True,
        max_in_flight: int | None = None,
        rate_limit: float | None = None,
        allow_insecure_http: bool = False,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        transport: Transport | None = None,
        config: ClientConfig | None = None,
    ) -> None:
        if config is None:
            config = ClientConfig(
                account_sid=account_sid,
                auth_token=auth_token,
                api_key=api_key,
                api_secret=api_secret,
                region=region,
                edge=edge,
                base_urls=base_urls,
                timeout=timeout,
                max_connections=max_connections,
                retry=retry,
                max_in_flight=max_in_flight,
                rate_limit=rate_limit,
                allow_insecure_http=allow_insecure_http,
                max_response_bytes=max_response_bytes,
            )
        elif not isinstance(config, ClientConfig):
            raise ValidationError("config", "must be a ClientConfig")
        if transport is not None and not isinstance(transport, Transport):
            raise ValidationError("transport", "must have send(request) and aclose()")
        self.config = config
        self._base_urls = config.resolved_base_urls()
        # One budget for all the client's work, never above the pool's size, so a large fan-out
        # waits in the limiter rather than in the pool, where aiohttp's timeout would run.
        max_in_flight = config.max_in_flight
        if max_in_flight is None:
            max_in_flight = min(DEFAULT_CEILING, config.max_connections or DEFAULT_CEILING)
        limits = RequestLimits(max_in_flight=max_in_flight, rate_limit=config.rate_limit)
        pool = max_in_flight if config.max_connections is None else config.max_connections
        self._sender = Sender(
            transport or AiohttpTransport(max_connections=pool),
            authorization=config.authorization(),
            timeout=float(config.timeout),
            retry=config.retry,
            limits=limits,
            max_response_bytes=config.max_response_bytes,
        )
        context = ApiContext(self._sender, self._base_urls, config.account_sid)
        self.alerts = Alerts(context)
        self.events = Events(context)
        self.alarms = Alarms(context)
        self.event_types = EventTypes(context)
        self.schemas = Schemas(context)
        self.sinks = Sinks(context)
        self.subscriptions = Subscriptions(context)
        self.notifications = Notifications(context)
        self.status_page = StatusPage(context)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> TwilioMonitorClient:
        """A client configured from TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY,
        TWILIO_API_SECRET, TWILIO_REGION, TWILIO_EDGE and TWILIO_MONITOR_BASE_URL (one URL for
        every domain, or ``monitor=URL,events=URL`` pairs, as the CLI reads it: a fake server or
        a proxy); keyword arguments take precedence."""
        env = os.environ if environ is None else environ
        settings: dict[str, object] = {
            "account_sid": env.get("TWILIO_ACCOUNT_SID") or None,
            "auth_token": env.get("TWILIO_AUTH_TOKEN") or None,
            "api_key": env.get("TWILIO_API_KEY") or None,
            "api_secret": env.get("TWILIO_API_SECRET") or None,
            "region": env.get("TWILIO_REGION") or None,
            "edge": env.get("TWILIO_EDGE") or None,
            "base_urls": parse_base_urls(env.get(BASE_URL_ENV, "")) or None,
        }
        settings.update(overrides)
        return cls(**settings)  # type: ignore[arg-type]

    async def health_snapshot(
        self, *, window: timedelta = timedelta(hours=1), since: datetime | None = None
    ) -> HealthSnapshot:
        """The status page and the account's alerts of the last ``window`` (or since ``since``),
        read concurrently: Twilio's indicator, components not operational, open incidents, and
        alert counts by level and error code."""
        if since is None:
            duration(positive=True)("window", window)
            since = datetime.now(timezone.utc) - window
        return await take_health_snapshot(
            self.status_page.summary,
            lambda start: self.alerts.stream(start_date=start),
            since=as_utc_datetime("since", since),
        )

    @property
    def account_sid(self) -> str | None:
        return self.config.account_sid

    @property
    def base_urls(self) -> Mapping[str, str]:
        """The base URL of each domain, after region, edge and overrides."""
        return dict(self._base_urls)

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._sender.retry

    @property
    def stats(self) -> RetryStats:
        """Requests sent, retries by cause and give-ups, since the client was made; and
        ``concurrency``: the adaptive limit now, the 429s, the time spent waiting for a slot."""
        return self._sender.stats

    @property
    def limits(self) -> RequestLimits:
        """The request budget shared by all work of this client (in flight, rate, 429 pauses)."""
        return self._sender.limits

    @property
    def transport(self) -> Transport:
        """The transport every request goes through."""
        return self._sender.transport

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """The aiohttp connection pool (None before the first request, or another transport)."""
        transport = self._sender.transport
        return transport.connector if isinstance(transport, AiohttpTransport) else None

    def __repr__(self) -> str:
        return (
            f"<TwilioMonitorClient account_sid={self.config.account_sid!r} "
            f"auth={self.config.auth_kind} monitor={self._base_urls['monitor']!r}>"
        )

    async def aclose(self) -> None:
        """Close the transport. The client cannot be used afterwards."""
        await self._sender.aclose()

    async def __aenter__(self) -> TwilioMonitorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
