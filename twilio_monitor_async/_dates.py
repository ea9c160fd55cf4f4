"""Dates, in one place: reading the dates the APIs send, and the dates callers pass.

Two rules live here and nowhere else. ``parse_datetime`` reads any date a Twilio API sends
(ISO 8601, RFC 2822, epoch seconds or milliseconds) as an aware datetime; the one converter
uses it for records. An RFC 3339 timestamp with its offset (what the v1/v2 APIs send) is read by
msgspec's parser (``parse_rfc3339``), which the fast page decoder runs as it parses a page, so
both decoders read such dates with the very same code; it rounds a fraction past six digits to
the nearest microsecond. ``to_utc`` reads a date argument (a datetime, a date or an ISO 8601
string; naive means UTC, as Twilio documents its dates in GMT) and ``as_utc_datetime`` turns a
plain date into the moment its day begins (or ends) in UTC, for every method that needs a
moment: ``since=``, sharded windows, ``health_snapshot``.

Api 2010 writes dates as ``Thu, 30 Apr 2015 16:47:33 +0000``. ``email.utils.parsedate_to_datetime``
accepts every historical variant of RFC 2822 and costs about 5 µs a call; a Notifications
record carries three such dates, which made them the bulk of decoding time, so that one shape
is matched directly (``parse_rfc2822``) and anything else is left to the general parser.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

import msgspec

from .errors import ValidationError

__all__ = [
    "RFC3339_DATETIME",
    "as_utc_datetime",
    "parse_datetime",
    "parse_rfc2822",
    "parse_rfc3339",
    "to_utc",
]

#: An RFC 3339 timestamp that carries its offset (``2015-07-30T20:00:00Z``), as msgspec types
#: it: a naive one is refused (``parse_datetime`` takes it as UTC instead).
RFC3339_DATETIME = Annotated[datetime, msgspec.Meta(tz=True)]
_rfc3339 = msgspec.json.Decoder(RFC3339_DATETIME)
_json_string = msgspec.json.encode

_SHAPE = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? "
    r"([+-]\d{4}|GMT|UTC|UT|Z)"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_ZONES: dict[str, timezone] = {}


def _zone(text: str) -> timezone:
    zone = _ZONES.get(text)
    if zone is None:
        if text[0] in "+-":
            offset = timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))
            zone = timezone(-offset if text[0] == "-" else offset) if offset else timezone.utc
        else:
            zone = timezone.utc
        _ZONES[text] = zone
    return zone


def parse_rfc2822(text: str) -> datetime | None:
    """The aware datetime of ``Thu, 30 Apr 2015 16:47:33 +0000``, or None for another shape.

    ValueError for a well-shaped but impossible date (31 Feb).
    """
    match = _SHAPE.fullmatch(text)
    if match is None:
        return None
    day, month_name, year, hour, minute, second, zone = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    return datetime(
        int(year),
        month,
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        tzinfo=_zone(zone),
    )


def parse_rfc3339(text: str) -> datetime | None:
    """The aware datetime of an RFC 3339 timestamp with an offset, read by msgspec (the parser
    the fast page decoder uses), or None for any other text."""
    try:
        return _rfc3339.decode(_json_string(text))
    except (msgspec.MsgspecError, UnicodeEncodeError):  # not such a timestamp; a lone surrogate
        return None


_EPOCH_MILLIS_CUTOFF = 10_000_000_000  # larger numbers are milliseconds, smaller ones seconds


def parse_datetime(value: Any) -> datetime:
    """Any date the Twilio APIs send, as an aware datetime (UTC unless the value says otherwise).

    ISO 8601 (``2015-07-30T20:00:00Z``, with or without fractions or offset, or a bare date),
    RFC 2822 (``Thu, 30 Apr 2015 16:47:33 +0000``) and epoch seconds or milliseconds.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, bool):
        raise TypeError("a boolean is not a date")
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= _EPOCH_MILLIS_CUTOFF else value
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    if not isinstance(value, str):
        raise TypeError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    if text[:1].isalpha():  # a day name: Api 2010's RFC 2822, the fast way when it fits
        fast = parse_rfc2822(text)
        if fast is not None:
            return fast
    else:
        rfc3339 = parse_rfc3339(text)
        if rfc3339 is not None:
            return rfc3339
    if text[-1:] in ("Z", "z"):
        text = text[:-1] + "+00:00"  # Python 3.10's fromisoformat does not take the Z suffix
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        if text.isdigit():
            return parse_datetime(int(text))
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            raise ValueError(f"unrecognised date {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def to_utc(field: str, value: Any) -> datetime | date:
    """A date argument (a datetime, a date, or an ISO 8601 string) as an aware UTC datetime or
    a plain date; a ValidationError naming ``field`` for anything else.

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


def as_utc_datetime(field: str, value: Any, *, end_of_day: bool = False) -> datetime:
    """A date argument as an aware UTC moment: a plain date is the midnight its day begins
    (UTC), or with ``end_of_day`` the last instant of that day."""
    moment = to_utc(field, value)
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, time.max if end_of_day else time.min, tzinfo=timezone.utc)
