"""ClientConfig: the client's configuration as one validated value.

Every setting of ``TwilioMonitorClient`` is a field here with its rule beside it; a refusal is a
``ValidationError`` naming the field, raised when the configuration is made (before any
request). Secrets (``auth_token``, ``api_secret``) never appear in the repr.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from ._endpoints import boolean, check, positive_integer, request_rate, seconds
from .errors import ValidationError
from .retry import RetryPolicy
from .sansio import check_base_url

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URLS",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ClientConfig",
    "parse_base_urls",
    "regional_host",
]

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
#: 64 MiB: a page of 1,000 alerts with long texts is a few megabytes.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: Base URLs from the environment, read by ``from_env()`` and the CLI.
BASE_URL_ENV = "TWILIO_MONITOR_BASE_URL"


def parse_base_urls(text: str, field: str = BASE_URL_ENV) -> dict[str, str]:
    """``URL`` (every domain) or comma-separated ``DOMAIN=URL`` items, as ``base_urls=`` takes
    them; a ``ValidationError`` naming ``field`` for anything else."""
    urls: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        domain, sep, url = item.partition("=")
        if sep and domain.strip() in DEFAULT_BASE_URLS:
            urls[domain.strip()] = url.strip()
        elif "://" in item and (not sep or "://" in domain):
            urls.update(dict.fromkeys(DEFAULT_BASE_URLS, item))
        else:
            raise ValidationError(
                field,
                f"{item!r} is not a URL or DOMAIN=URL (domains: {', '.join(DEFAULT_BASE_URLS)})",
            )
    return urls


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


def _account_sid(_: Any, attribute: Any, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and _ACCOUNT_SID.fullmatch(value)):
        raise ValidationError(attribute.name, "must be AC followed by 32 hexadecimal digits")


def _host_label(_: Any, attribute: Any, value: Any) -> None:
    if value is not None and not (isinstance(value, str) and _HOST_LABEL.fullmatch(value)):
        raise ValidationError(
            attribute.name, f"{value!r} is not a host name label (e.g. us1, sydney)"
        )


def _positive_seconds(_: Any, attribute: Any, value: Any) -> None:
    check(attribute.name, value, seconds(positive=True))


def _count(_: Any, attribute: Any, value: Any) -> None:
    check(attribute.name, value, positive_integer)


def _byte_count(_: Any, attribute: Any, value: Any) -> None:
    if value is None:  # a cap is always on: None would read an endless body forever
        raise ValidationError(attribute.name, "must be a positive integer (bytes), not None")
    check(attribute.name, value, positive_integer)


def _retry_policy(value: Any) -> Any:
    if isinstance(value, bool):
        return RetryPolicy() if value else RetryPolicy.disabled()
    return value


def _is_policy(_: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, RetryPolicy):
        raise ValidationError(attribute.name, "must be a RetryPolicy, True or False")


def _flag(_: Any, attribute: Any, value: Any) -> None:
    boolean(attribute.name, value)


def _rate(_: Any, attribute: Any, value: Any) -> None:
    check(attribute.name, value, request_rate)


@frozen(kw_only=True)
class ClientConfig:
    """Everything ``TwilioMonitorClient`` is configured with, checked field by field.

    Credentials: ``account_sid`` + ``auth_token``, or ``api_key`` + ``api_secret``.
    ``base_urls`` points any of the domains ``monitor``, ``events``, ``api``, ``status``
    elsewhere. ``max_in_flight`` is the ceiling of the client's adaptive concurrency limit
    (default 100, or ``max_connections`` if that is lower); ``max_connections`` is an optional
    hard cap on the connection pool (default: the pool follows ``max_in_flight``).
    """

    account_sid: str | None = field(default=None, validator=_account_sid)
    auth_token: str | None = field(default=None, repr=False)
    api_key: str | None = field(default=None)
    api_secret: str | None = field(default=None, repr=False)
    region: str | None = field(default=None, validator=_host_label)
    edge: str | None = field(default=None, validator=_host_label)
    base_urls: Mapping[str, str] | None = None
    timeout: float = field(default=30.0, validator=_positive_seconds)
    max_connections: int | None = field(default=None, validator=_count)
    retry: RetryPolicy = field(factory=RetryPolicy, converter=_retry_policy, validator=_is_policy)
    max_in_flight: int | None = field(default=None, validator=_count)
    rate_limit: float | None = field(default=None, validator=_rate)
    #: The largest response body read (as sent, and once inflated): past it,
    #: ``ResponseTooLargeError``. The default is far above Twilio's largest page.
    max_response_bytes: int = field(default=DEFAULT_MAX_RESPONSE_BYTES, validator=_byte_count)
    #: Plain ``http://`` to a host that is not loopback (a fake server in another container).
    allow_insecure_http: bool = field(default=False, validator=_flag)

    def __attrs_post_init__(self) -> None:
        if self.api_key is not None or self.api_secret is not None:
            if not (isinstance(self.api_key, str) and _API_KEY_SID.fullmatch(self.api_key)):
                raise ValidationError("api_key", "must be SK followed by 32 hexadecimal digits")
            if not isinstance(self.api_secret, str) or not self.api_secret:
                raise ValidationError("api_secret", "is required with api_key")
        elif self.auth_token is not None:
            if not isinstance(self.auth_token, str) or not self.auth_token:
                raise ValidationError("auth_token", "must be a non-empty string")
            if self.account_sid is None:
                raise ValidationError("account_sid", "is required with auth_token")
        self.resolved_base_urls()  # refuse unknown domains and unsafe URLs now

    @property
    def auth_kind(self) -> str:
        """``api key``, ``auth token`` or ``none`` (for reprs: never the secret itself)."""
        return "api key" if self.api_key else "auth token" if self.auth_token else "none"

    def authorization(self) -> str | None:
        """The Basic Authorization header value, or None without credentials."""
        if self.api_key and self.api_secret:
            username, password = self.api_key, self.api_secret
        elif self.account_sid and self.auth_token:
            username, password = self.account_sid, self.auth_token
        else:
            return None
        return "Basic " + base64.b64encode(f"{username}:{password}".encode("latin1")).decode(
            "ascii"
        )

    def resolved_base_urls(self) -> dict[str, str]:
        """The base URL of each domain, after region, edge and overrides."""
        urls = dict(DEFAULT_BASE_URLS)
        for domain in _REGIONAL_DOMAINS:
            scheme, _, host = urls[domain].partition("://")
            urls[domain] = f"{scheme}://{regional_host(host, self.region, self.edge)}"
        for domain, url in (self.base_urls or {}).items():
            if domain not in DEFAULT_BASE_URLS:
                raise ValidationError(
                    "base_urls",
                    f"unknown domain {domain!r} (known: {', '.join(DEFAULT_BASE_URLS)})",
                )
            urls[domain] = check_base_url(domain, url, allow_insecure_http=self.allow_insecure_http)
        return urls
