"""In-memory collections behind the fake server: ordered records, lookup by id, filtered windows.

A Collection keeps its records in list order (newest first for dated logs, insertion order for
configuration resources), an index from id to position (so a page token finds its place in
O(1)), and each record's list-view JSON pre-rendered (so serving a page of 1000 records is one
join, and the fake is never the bottleneck of a benchmark).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any, Literal

import orjson
from attrs import frozen

from .._dates import parse_datetime

__all__ = ["Collection", "Day", "Match", "Since", "Until"]

Record = dict[str, Any]


@frozen
class Match:
    """Keep records whose ``field`` equals the wire value (after ``normalize`` on both sides)."""

    field: str
    normalize: Callable[[Any], Any] = str


@frozen
class Since:
    """Keep records whose ``field`` (an ISO 8601 UTC string) is on or after the wire value."""

    field: str


@frozen
class Until:
    """Keep records whose ``field`` is on or before the wire value (a bare date: that whole day)."""

    field: str


@frozen
class Day:
    """Compare the calendar day (UTC) of ``field`` with a ``YYYY-MM-DD`` wire value.

    ``on`` keeps that day, ``on_or_before`` / ``on_or_after`` the days up to / from it (Api
    2010's ``MessageDate``, ``MessageDate<`` and ``MessageDate>``). The field may hold ISO 8601
    or RFC 2822 dates; records without one never match.
    """

    field: str
    compare: Literal["on", "on_or_before", "on_or_after"] = "on"


Filter = Match | Since | Until | Day


@functools.lru_cache(maxsize=65536)
def day_of(value: str) -> date:
    """The UTC calendar day of a record's date string (ValueError if it is not a date)."""
    return parse_datetime(value.strip()).astimezone(timezone.utc).date()


def iso_bound(value: str, *, upper: bool) -> str:
    """A wire date as a comparable ISO string (``YYYY-MM-DDTHH:MM:SSZ``); ValueError if bad."""
    from datetime import date, timezone

    text = value.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return day.isoformat() + ("T23:59:59Z" if upper else "T00:00:00Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Collection:
    """Records of one kind, in serving order, with filters and token paging support.

    ``order_field``: records are kept sorted on it, newest first (``descending``), ties by id;
    None keeps insertion order. ``list_view`` projects a record for list pages (the full record
    is the instance view). ``key_of`` maps a record to a sortable string when the stored field is
    not ISO 8601 (Api 2010 dates are RFC 2822).
    """

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        id_field: str = "sid",
        order_field: str | None = None,
        descending: bool = True,
        list_view: Callable[[Record], Record] | None = None,
        key_of: Callable[[Record], str] | None = None,
    ) -> None:
        self.id_field = id_field
        self.order_field = order_field
        self.descending = descending
        self._list_view = list_view
        self._key_of = key_of or ((lambda r: r[order_field]) if order_field else None)
        self._records: list[Record] = []
        self._rendered: list[bytes] = []
        self._keys: list[tuple[str, str]] = []  # (order key, id), ascending, for bisect
        self._index: dict[str, int] = {}
        self.extend(records)

    # -- mutation ---------------------------------------------------------------------------
    def extend(self, records: Iterable[Record]) -> None:
        self._records.extend(records)
        self._resort()

    def add(self, record: Record) -> Record:
        """Insert one record in its place (or at the end when unordered)."""
        if record[self.id_field] in self._index:
            raise KeyError(f"duplicate id {record[self.id_field]!r}")
        self._records.append(record)
        self._resort()
        return record

    def replace(self, record: Record) -> Record:
        position = self._index[record[self.id_field]]
        self._records[position] = record
        self._resort()
        return record

    def remove(self, record_id: str) -> Record:
        position = self._index[record_id]
        record = self._records.pop(position)
        self._resort()
        return record

    def _resort(self) -> None:
        key_of = self._key_of
        if key_of is not None:
            idf = self.id_field
            self._records.sort(key=lambda r: (key_of(r), r[idf]), reverse=self.descending)
            keys = [(key_of(r), r[idf]) for r in self._records]
            self._keys = keys[::-1] if self.descending else keys
        self._index = {r[self.id_field]: i for i, r in enumerate(self._records)}
        view = self._list_view
        # orjson's bytes keep the spare capacity of its write buffer (about 4 KB a record here);
        # a copy at the exact size keeps 100,000 pre-rendered records at tens of MB, not hundreds.
        self._rendered = [
            bytes(memoryview(orjson.dumps(view(r) if view else r))) for r in self._records
        ]

    # -- reading ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self._records)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._index

    def get(self, record_id: str) -> Record | None:
        position = self._index.get(record_id)
        return None if position is None else self._records[position]

    def position_after(self, record_id: str) -> int | None:
        position = self._index.get(record_id)
        return None if position is None else position + 1

    def select(
        self,
        filters: Mapping[str, Filter],
        values: Mapping[str, str],
        *,
        start: int = 0,
        skip: int = 0,
        count: int,
        scope: Callable[[Record], bool] | None = None,
    ) -> tuple[list[int], bool]:
        """Positions of up to ``count`` matching records from ``start`` (after skipping ``skip``
        matches), and whether another match follows. ValueError on a malformed filter value."""
        since: str | None = None
        until: str | None = None
        checks: list[Callable[[Record], bool]] = []
        if scope is not None:
            checks.append(scope)
        for wire, value in values.items():
            rule = filters[wire]
            if isinstance(rule, Match):
                checks.append(_matches(rule, value))
            elif isinstance(rule, Day):
                checks.append(_on_day(rule, date.fromisoformat(value.strip())))
            elif rule.field == self.order_field and self._key_of is not None and self.descending:
                bound = iso_bound(value, upper=isinstance(rule, Until))
                if isinstance(rule, Since):
                    since = bound if since is None else max(since, bound)
                else:
                    until = bound if until is None else min(until, bound)
            else:
                checks.append(_in_range(rule, iso_bound(value, upper=isinstance(rule, Until))))
        records = self._records
        key_of = self._key_of
        if until is not None:
            # Newest first: the first record at or before ``until`` sits after every later one.
            later = len(self._keys) - bisect.bisect_right(self._keys, (until, "\uffff"))
            start = max(start, later)
        found: list[int] = []
        position = start
        total = len(records)
        while position < total:
            record = records[position]
            if since is not None and key_of is not None and key_of(record) < since:
                break  # everything further is older still
            if all(check(record) for check in checks):
                if skip:
                    skip -= 1
                elif len(found) == count:
                    return found, True
                else:
                    found.append(position)
            position += 1
        return found, False

    def rendered(self, positions: Sequence[int]) -> list[bytes]:
        return [self._rendered[p] for p in positions]

    def at(self, position: int) -> Record:
        return self._records[position]


def _matches(rule: Match, value: str) -> Callable[[Record], bool]:
    wanted = rule.normalize(value)

    def check(record: Record) -> bool:
        actual = record.get(rule.field)
        return actual is not None and bool(rule.normalize(actual) == wanted)

    return check


def _in_range(rule: Since | Until, bound: str) -> Callable[[Record], bool]:
    def check(record: Record) -> bool:
        actual = record.get(rule.field) or ""
        return actual >= bound if isinstance(rule, Since) else "" < actual <= bound

    return check


def _on_day(rule: Day, wanted: date) -> Callable[[Record], bool]:
    def check(record: Record) -> bool:
        actual = record.get(rule.field)
        if not actual:
            return False
        day = day_of(actual)
        if rule.compare == "on":
            return day == wanted
        return day <= wanted if rule.compare == "on_or_before" else day >= wanted

    return check
