"""Argument encoders: each checks one Python argument and turns it into its wire value.

An encoder is a small callable ``(field, value) -> wire value``. Endpoint declarations pair a
Python argument name with a wire name and one of these, so validation happens in one place,
before any request exists, and every refusal names the argument the caller wrote.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any, TypeVar

import orjson

from .errors import ValidationError
from .models.converter import parse_datetime

__all__ = [
    "WireValue",
    "boolean",
    "check",
    "choice",
    "coded",
    "date_only",
    "header_value",
    "http_url",
    "instant",
    "integer",
    "json_text",
    "page_size",
    "path_segment",
    "positive_integer",
    "repeated",
    "seconds",
    "sid",
    "text",
]

#: What an encoder produces: one value, or several for a key repeated on the wire.
WireValue = str | list[str]
Encoder = Callable[[str, Any], WireValue]

V = TypeVar("V")

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


def seconds(*, positive: bool = False) -> Encoder:
    """A duration in seconds (an int or a float): at least 0, or above 0 with ``positive``."""
    rule = "a positive" if positive else "a non-negative"

    def encode(field: str, value: Any) -> str:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or value != value  # NaN
            or (value <= 0 if positive else value < 0)
        ):
            raise ValidationError(field, f"must be {rule} number of seconds, got {value!r}")
        return str(value)

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


def to_utc(field: str, value: Any) -> datetime | date:
    """A datetime, a date, or an ISO 8601 string, as an aware UTC datetime or a plain date.

    Naive datetimes are taken to be UTC, as Twilio's API documents its dates in GMT.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        stripped = value.strip()
        if len(stripped) == 10:
            try:
                return date.fromisoformat(stripped)
            except ValueError:
                pass
        try:
            return parse_datetime(stripped).astimezone(timezone.utc)
        except (ValueError, TypeError):
            raise ValidationError(
                field, f"{value!r} is not a date: use a datetime, a date or an ISO 8601 string"
            ) from None
    raise ValidationError(
        field, f"must be a datetime, a date or an ISO 8601 string, got {type(value).__name__}"
    )


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
    """An absolute ``http(s)://`` URL with a host (a webhook endpoint), under 2000 characters."""
    if not isinstance(value, str):
        raise ValidationError(field, f"must be a URL string, got {type(value).__name__}")
    scheme, sep, rest = value.partition("://")
    host = rest.split("/", 1)[0]
    if not sep or scheme.lower() not in ("http", "https") or not host or " " in value:
        raise ValidationError(field, f"{value!r} is not an absolute http(s) URL")
    if len(value) >= 2000:
        raise ValidationError(field, "must be shorter than 2000 characters")
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
