"""The vocabulary endpoints are declared in: ``Endpoint``, ``Arg`` and the argument encoders.

An ``Endpoint`` is the whole description of one API operation (method, domain, path template,
record, arguments, its own error classes); each ``Arg`` pairs a Python argument name with where
it goes on the wire and an encoder. An encoder is a small callable ``(field, value) -> wire
value`` that checks one argument and refuses it with a ``ValidationError`` naming the argument
the caller wrote. Method arguments that never go on the wire (``limit``, ``shards``,
``concurrency``, ``poll_interval``, ...) are checked by the same encoders (``check``), so each
rule has one home. ``sansio.build_request`` turns a declaration and arguments into a request.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Generic, Literal, TypeVar

import orjson
from attrs import field, frozen
from yarl import URL

from ._dates import to_utc
from .errors import ApiError, ValidationError

__all__ = [
    "LIST_ARGS",
    "MAX_SHARDS",
    "Arg",
    "Encoder",
    "Endpoint",
    "WireValue",
    "boolean",
    "check",
    "choice",
    "coded",
    "date_only",
    "duration",
    "email",
    "form",
    "header",
    "header_value",
    "http_url",
    "instant",
    "integer",
    "json_body",
    "json_boolean",
    "json_text",
    "number",
    "page_size",
    "path",
    "path_segment",
    "positive_integer",
    "query",
    "repeated",
    "request_rate",
    "seconds",
    "shard_count",
    "sid",
    "text",
]

#: What an encoder produces: one value, or several for a key repeated on the wire.
WireValue = str | list[str]
Encoder = Callable[[str, Any], WireValue]

V = TypeVar("V")
R = TypeVar("R")

Location = Literal["path", "query", "form", "json", "header"]

_HEX32 = "[0-9a-fA-F]{32}"


def sid(*prefixes: str) -> Encoder:
    """A Twilio SID: one of ``prefixes`` (any two letters when none) followed by 32 hex digits."""
    head = "|".join(re.escape(p) for p in prefixes) if prefixes else "[a-zA-Z]{2}"
    pattern = re.compile(f"(?:{head}){_HEX32}")
    expected = " or ".join(prefixes) if prefixes else "two letters"
    shape = f"{expected} followed by 32 hexadecimal digits"

    def encode(field: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(
                field, f"must be a SID string ({shape}), got {type(value).__name__}"
            )
        if not pattern.fullmatch(value):
            raise ValidationError(field, f"{value!r} is not a valid SID: expected {shape}")
        return value

    return encode


def text(*, max_length: int | None = None, allow_empty: bool = False) -> Encoder:
    """A free-text string."""

    def encode(field: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(field, f"must be a string, got {type(value).__name__}")
        if not value and not allow_empty:
            raise ValidationError(field, "must not be empty")
        if max_length is not None and len(value) > max_length:
            raise ValidationError(field, f"must be at most {max_length} characters")
        return value

    return encode


def choice(values: Iterable[str], *, case_insensitive: bool = True) -> Encoder:
    """One of a fixed set of strings (an Enum member or its value is accepted too)."""
    allowed = tuple(values)
    lookup = {(v.lower() if case_insensitive else v): v for v in allowed}

    def encode(field: str, value: Any) -> str:
        raw = getattr(value, "value", value)
        if not isinstance(raw, str):
            raise ValidationError(field, f"must be one of {', '.join(allowed)}")
        found = lookup.get(raw.lower() if case_insensitive else raw)
        if found is None:
            raise ValidationError(field, f"{raw!r} is not one of {', '.join(allowed)}")
        return found

    return encode


def coded(codes: type[enum.Enum]) -> Encoder:
    """A value the wire sends as a code (``Log=0``): the Enum member, its code, or its name.

    ``coded(NotificationLog)`` takes ``NotificationLog.ERROR``, ``0``, ``"0"`` or ``"error"``.
    """
    by_key: dict[str, str] = {}
    for member in codes:
        by_key[str(member.value).lower()] = str(member.value)
        by_key[member.name.lower()] = str(member.value)
    allowed = ", ".join(f"{m.value} ({m.name.lower()})" for m in codes)

    def encode(field: str, value: Any) -> str:
        raw = value.value if isinstance(value, codes) else value
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            raise ValidationError(field, f"must be one of {allowed}, got {type(value).__name__}")
        found = by_key.get(str(raw).strip().lower())
        if found is None:
            raise ValidationError(field, f"{value!r} is not one of {allowed}")
        return found

    return encode


def integer(*, minimum: int | None = None, maximum: int | None = None) -> Encoder:
    def encode(field: str, value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(field, f"must be an integer, got {type(value).__name__}")
        if minimum is not None and value < minimum:
            raise ValidationError(field, f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ValidationError(field, f"must be at most {maximum}, got {value}")
        return str(value)

    return encode


#: PageSize on every Twilio list: 1..1000.
page_size = integer(minimum=1, maximum=1000)
#: A count: limit, page_limit, concurrency, shards, max_connections, ...
positive_integer = integer(minimum=1)


#: Most shards a sharded walk takes: each is a walker, and the range is cut into four times
#: as many windows, so this bounds the tasks and requests one call can set off.
MAX_SHARDS = 1000
#: ``shards=``: 1 to MAX_SHARDS.
shard_count = integer(minimum=1, maximum=MAX_SHARDS)


def number(unit: str, *, positive: bool = False) -> Encoder:
    """A quantity of ``unit`` (an int or a float): at least 0, or above 0 with ``positive``."""
    rule = "a positive" if positive else "a non-negative"

    def encode(field: str, value: Any) -> str:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value != value  # NaN
            or (value <= 0 if positive else value < 0)
        ):
            raise ValidationError(field, f"must be {rule} number of {unit}, got {value!r}")
        return str(value)

    return encode


#: A rate: ``rate_limit=`` on the client and on RequestLimits.
request_rate = number("requests a second", positive=True)


def seconds(*, positive: bool = False) -> Encoder:
    """A duration in seconds (an int or a float): at least 0, or above 0 with ``positive``."""
    return number("seconds", positive=positive)


def duration(*, positive: bool = False) -> Encoder:
    """A ``timedelta``: at least zero, or above zero with ``positive``."""
    rule = "a positive" if positive else "a non-negative"

    def encode(field: str, value: Any) -> str:
        if not isinstance(value, timedelta) or (
            value <= timedelta(0) if positive else value < timedelta(0)
        ):
            raise ValidationError(field, f"must be {rule} timedelta, got {value!r}")
        return str(value.total_seconds())

    return encode


def check(field: str, value: V, encode: Encoder) -> V:
    """``value`` unchanged once ``encode`` accepts it (None always passes: "not given").

    Method arguments that never go on the wire (``limit``, ``concurrency``, ``shards``, ...)
    are checked by the same encoders as the wire arguments, so one rule has one home.
    """
    if value is not None:
        encode(field, value)
    return value


def boolean(field: str, value: Any) -> str:
    """Twilio's form encoding of booleans: ``true`` / ``false``."""
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be True or False, got {type(value).__name__}")
    return "true" if value else "false"


def instant(field: str, value: Any) -> str:
    """A date-time filter: ``YYYY-MM-DDThh:mm:ssZ`` in UTC, or ``YYYY-MM-DD`` for a plain date."""
    moment = to_utc(field, value)
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def date_only(field: str, value: Any) -> str:
    """A calendar-day filter, ``YYYY-MM-DD`` (the day of a datetime, taken in UTC)."""
    moment = to_utc(field, value)
    if isinstance(moment, datetime):
        moment = moment.date()
    return moment.isoformat()


def http_url(field: str, value: Any) -> str:
    """One absolute ``http(s)://`` URL with a host (a webhook endpoint), under 2000 characters."""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be one URL string, got {type(value).__name__}")
    if len(value) >= 2000:
        raise ValidationError(field, f"must be less than 2000 characters, got {len(value)}")
    try:
        url: URL | None = URL(value)
    except (ValueError, TypeError):
        url = None
    if (
        url is None
        or url.scheme not in ("http", "https")
        or not url.host
        or any(ch.isspace() for ch in value)
    ):
        raise ValidationError(field, f"{value!r} is not one absolute http(s) URL")
    return value


# Deliberately plain: one @, no spaces, a dot in the domain, no empty labels.
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def email(field: str, value: Any) -> str:
    """An email address (at most 254 characters)."""
    address = text(max_length=254)(field, value)
    assert isinstance(address, str)
    if not _EMAIL.fullmatch(address):
        raise ValidationError(field, f"{value!r} is not an email address")
    return address


def json_boolean(field: str, value: Any) -> bool:
    """A real JSON boolean (``{"enabled": true}``), not Twilio's form ``true``."""
    if not isinstance(value, bool):
        raise ValidationError(field, f"must be True or False, got {type(value).__name__}")
    return value


def json_text(field: str, value: Any) -> str:
    """A mapping sent as one JSON string (how Events v1 takes ``SinkConfiguration``)."""
    if not isinstance(value, Mapping):
        raise ValidationError(field, f"must be a mapping, got {type(value).__name__}")
    try:
        return orjson.dumps(dict(value)).decode()
    except TypeError as exc:
        raise ValidationError(field, f"is not JSON-serialisable: {exc}") from None


def repeated(inner: Encoder, *, max_items: int | None = None) -> Encoder:
    """A list sent as the same key repeated, each item encoded by ``inner``."""

    def encode(field: str, value: Any) -> list[str]:
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise ValidationError(field, "must be a list")
        items = list(value)
        if max_items is not None and len(items) > max_items:
            raise ValidationError(field, f"must have at most {max_items} items, got {len(items)}")
        out: list[str] = []
        for index, item in enumerate(items):
            encoded = inner(f"{field}[{index}]", item)
            out.extend(encoded if isinstance(encoded, list) else [encoded])
        return out

    return encode


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_segment(inner: Encoder) -> Encoder:
    """``inner``, for a value that becomes one segment of the URL path: ``.`` and ``..`` are
    refused, as a server or proxy normalising the path would send the request elsewhere."""

    def encode(field: str, value: Any) -> WireValue:
        encoded = inner(field, value)
        if encoded in (".", ".."):
            raise ValidationError(field, f"{encoded!r} is not allowed: it would change the path")
        return encoded

    return encode


def header_value(inner: Encoder) -> Encoder:
    """``inner``, for a value sent as an HTTP header: control characters (CR, LF, ...) are
    refused, as they would end the header and start another."""

    def encode(field: str, value: Any) -> WireValue:
        encoded = inner(field, value)
        for item in encoded if isinstance(encoded, list) else [encoded]:
            if _CONTROL.search(item):
                raise ValidationError(field, "must not contain control characters (CR, LF, ...)")
        return encoded

    return encode


# -- declarations ----------------------------------------------------------------------------------


@frozen
class Arg:
    """One Python argument of an endpoint: where it goes, under which wire name, how encoded.

    For ``json`` with no wire name the encoded value is the whole JSON body.
    """

    location: Location
    encode: Callable[[str, Any], Any]
    wire: str | None = None
    required: bool = False


def path(encode: Encoder) -> Arg:
    return Arg("path", path_segment(encode), required=True)


def query(wire: str, encode: Encoder, *, required: bool = False) -> Arg:
    return Arg("query", encode, wire, required)


def form(wire: str, encode: Encoder, *, required: bool = False) -> Arg:
    return Arg("form", encode, wire, required)


def json_body(encode: Callable[[str, Any], Any], wire: str | None = None) -> Arg:
    return Arg("json", encode, wire, required=wire is None)


def header(wire: str, encode: Encoder, *, required: bool = False) -> Arg:
    return Arg("header", header_value(encode), wire, required)


#: The arguments every Twilio list takes besides its filters, declared like any other.
LIST_ARGS: Mapping[str, Arg] = MappingProxyType({"page_size": query("PageSize", page_size)})


@frozen
class Endpoint(Generic[R]):
    """A declared endpoint: the whole description of one API operation.

    ``path`` is a template whose ``{names}`` are Python argument names; ``record`` is what the
    response decodes to (None when the API answers 204 or the caller wants the raw JSON);
    ``key`` is the list key of a list endpoint; ``domain`` picks the base URL.
    """

    method: str
    domain: str
    path: str
    record: type[R] | None = None
    args: Mapping[str, Arg] = field(factory=dict)
    key: str | None = None
    authenticated: bool = True
    #: Error classes particular to this endpoint, by status (e.g. ``{409: AlarmLimitError}``).
    errors: Mapping[int, type[ApiError]] = field(factory=dict)

    @property
    def is_list(self) -> bool:
        return self.key is not None

    @property
    def all_args(self) -> Mapping[str, Arg]:
        """``args`` (the caller's filters and values) plus, for a list, ``page_size``."""
        return {**self.args, **LIST_ARGS} if self.key is not None else self.args
