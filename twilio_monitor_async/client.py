"""TwilioMonitorClient: configuration, credentials, the session's lifetime and the resource groups.

The client checks its configuration once (SIDs, base URLs, limits), builds the one Transport, and
exposes every resource group as an attribute. It never shows a secret: its repr names the
account and the auth method, not the token or the API secret.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta, timezone
from types import TracebackType

import aiohttp

from ._params import to_utc
from .concurrency import DEFAULT_CEILING
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
from .sansio import check_base_url
from .transport import Transport
from .watch import HealthSnapshot, take_health_snapshot

__all__ = ["DEFAULT_BASE_URLS", "TwilioMonitorClient"]

#: Where each API lives. ``base_urls=`` on the client overrides any of them.
DEFAULT_BASE_URLS: Mapping[str, str] = {
    "monitor": "https://monitor.twilio.com",
    "events": "https://events.twilio.com",
    "api": "https://api.twilio.com",
    "status": "https://status.twilio.com",
}
# The status page is not a Twilio API host: region and edge do not apply to it.
_REGIONAL_DOMAINS = ("monitor", "events", "api")
_ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
_API_KEY_SID = re.compile(r"SK[0-9a-fA-F]{32}")
_HOST_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def regional_host(host: str, region: str | None, edge: str | None) -> str:
    """``monitor.twilio.com`` -> ``monitor.{edge}.{region}.twilio.com``, as Twilio's helpers do.

    An edge without a region implies the ``us1`` region.
    """
    if not region and not edge:
        return host
    product, _, domain = host.partition(".")
    labels = [product]
    if edge:
        labels.append(edge)
    labels.append(region or "us1")
    return ".".join([*labels, domain])


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
    ) -> None:
        if account_sid is not None and not (
            isinstance(account_sid, str) and _ACCOUNT_SID.fullmatch(account_sid)
        ):
            raise ValidationError("account_sid", "must be AC followed by 32 hexadecimal digits")
        if api_key is not None or api_secret is not None:
            if not (isinstance(api_key, str) and _API_KEY_SID.fullmatch(api_key)):
                raise ValidationError("api_key", "must be SK followed by 32 hexadecimal digits")
            if not isinstance(api_secret, str) or not api_secret:
                raise ValidationError("api_secret", "is required with api_key")
            username: str | None = api_key
            password: str | None = api_secret
        elif auth_token is not None:
            if not isinstance(auth_token, str) or not auth_token:
                raise ValidationError("auth_token", "must be a non-empty string")
            if account_sid is None:
                raise ValidationError("account_sid", "is required with auth_token")
            username, password = account_sid, auth_token
        else:
            username = password = None
        for name, value in (("region", region), ("edge", edge)):
            if value is not None and not (isinstance(value, str) and _HOST_LABEL.fullmatch(value)):
                raise ValidationError(
                    name, f"{value!r} is not a host name label (e.g. us1, sydney)"
                )
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise ValidationError("timeout", "must be a positive number of seconds")
        if max_connections is not None and (
            isinstance(max_connections, bool)
            or not isinstance(max_connections, int)
            or max_connections < 1
        ):
            raise ValidationError("max_connections", "must be a positive integer or None")
        if isinstance(retry, bool):
            policy = RetryPolicy() if retry else RetryPolicy.disabled()
        elif isinstance(retry, RetryPolicy):
            policy = retry
        else:
            raise ValidationError("retry", "must be a RetryPolicy, True or False")
        # One budget for all the client's work, never above the pool's size, so a large fan-out
        # waits in the limiter rather than in the pool, where aiohttp's timeout would run.
        if max_in_flight is None:
            max_in_flight = DEFAULT_CEILING
            if max_connections is not None:
                max_in_flight = min(max_in_flight, max_connections)
        limits = RequestLimits(max_in_flight=max_in_flight, rate_limit=rate_limit)

        urls = dict(DEFAULT_BASE_URLS)
        for domain in _REGIONAL_DOMAINS:
            scheme, _, host = urls[domain].partition("://")
            urls[domain] = f"{scheme}://{regional_host(host, region, edge)}"
        for domain, url in (base_urls or {}).items():
            if domain not in DEFAULT_BASE_URLS:
                raise ValidationError(
                    "base_urls",
                    f"unknown domain {domain!r} (known: {', '.join(DEFAULT_BASE_URLS)})",
                )
            urls[domain] = check_base_url(domain, url)

        self._account_sid = account_sid
        self._auth_kind = "api key" if api_key else "auth token" if auth_token else "none"
        self._base_urls = urls
        authorization = (
            aiohttp.encode_basic_auth(username, password) if username and password else None
        )
        self._transport = Transport(
            authorization=authorization,
            timeout=float(timeout),
            max_connections=limits.max_in_flight if max_connections is None else max_connections,
            retry=policy,
            limits=limits,
        )
        context = ApiContext(self._transport, urls, account_sid)
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
        TWILIO_API_SECRET, TWILIO_REGION and TWILIO_EDGE; keyword arguments take precedence."""
        env = os.environ if environ is None else environ
        settings: dict[str, object] = {
            "account_sid": env.get("TWILIO_ACCOUNT_SID") or None,
            "auth_token": env.get("TWILIO_AUTH_TOKEN") or None,
            "api_key": env.get("TWILIO_API_KEY") or None,
            "api_secret": env.get("TWILIO_API_SECRET") or None,
            "region": env.get("TWILIO_REGION") or None,
            "edge": env.get("TWILIO_EDGE") or None,
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
            if not isinstance(window, timedelta) or window <= timedelta(0):
                raise ValidationError("window", "must be a positive timedelta")
            since = datetime.now(timezone.utc) - window
        moment = to_utc("since", since)
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(), timezone.utc)
        return await take_health_snapshot(
            self.status_page.summary,
            lambda start: self.alerts.stream(start_date=start),
            since=moment,
        )

    @property
    def account_sid(self) -> str | None:
        return self._account_sid

    @property
    def base_urls(self) -> Mapping[str, str]:
        """The base URL of each domain, after region, edge and overrides."""
        return dict(self._base_urls)

    @property
    def retry_policy(self) -> RetryPolicy:
        return self._transport.retry

    @property
    def stats(self) -> RetryStats:
        """Requests sent, retries by cause and give-ups, since the client was made; and
        ``concurrency``: the adaptive limit now, the 429s, the time spent waiting for a slot."""
        return self._transport.stats

    @property
    def limits(self) -> RequestLimits:
        """The request budget shared by all work of this client (in flight, rate, 429 pauses)."""
        return self._transport.limits

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """The connection pool (None before the first request)."""
        return self._transport.connector

    def __repr__(self) -> str:
        return (
            f"<TwilioMonitorClient account_sid={self._account_sid!r} auth={self._auth_kind} "
            f"monitor={self._base_urls['monitor']!r}>"
        )

    async def aclose(self) -> None:
        """Close the connection pool. The client cannot be used afterwards."""
        await self._transport.aclose()

    async def __aenter__(self) -> TwilioMonitorClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
