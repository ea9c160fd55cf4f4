"""Bulk work at full speed and within bounds: fan-out over many inputs, and time-window sharding.

Two shapes of bulk work cover what a monitoring team does in bulk:

* ``fan_out(func, items, concurrency=...)`` runs a coroutine function over an iterable (sync or
  async, pulled lazily) with at most ``concurrency`` calls running, and yields one ``Outcome`` per
  item, as they complete or in input order. A failing item is an Outcome holding its exception,
  never the end of the batch. ``fetch_many`` on every resource with ``fetch`` is this over SIDs,
  and users can use it for their own work too.
* ``stream_sharded(listing, shards=..., start_date=..., end_date=...)`` splits a date range into
  windows, walks ``shards`` of them at once, and merges the pages back in the order the API
  would have returned them (or as they arrive, with ``ordered=False``). It is what
  ``stream(shards=N)`` runs.

Window edges: the APIs' date filters are inclusive and the client sends them to the second (to
the day for date-only filters), so the windows are consecutive, disjoint whole-second ranges
that together cover exactly ``[start_date, end_date]``: a record dated on an edge falls in exactly
one window. (This holds as long as record dates carry whole seconds, as Twilio's do.)

Memory is bounded: ``fan_out`` holds at most ``2 * concurrency`` results not yet consumed; a
sharded walk holds at most ``shard_buffer`` pages for each of the ``shards`` windows in progress,
and starts a window only when the one ``shards`` places before it has been consumed. The range is
cut into more windows than ``shards`` (four times as many by default) so that each buffer covers
a small slice and the next windows are ready when the consumer reaches them.

All requests go through the client's transport, so the client's ``max_in_flight`` and
``rate_limit`` bound every bulk job together with everything else the client does.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
)
from contextlib import aclosing
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Generic, Literal, NoReturn, Protocol, TypeAlias, TypeVar, Union

from attrs import frozen

from ._dates import as_utc_datetime
from ._endpoints import MAX_SHARDS, check, integer, positive_integer, shard_count
from .errors import ValidationError
from .paging import Page, iterate_records

__all__ = [
    "MAX_SHARDS",
    "Failure",
    "Outcome",
    "Success",
    "fan_out",
    "shard_windows",
    "stream_sharded",
]

T = TypeVar("T")
R = TypeVar("R")

#: fan_out's concurrency and fetch_many's, unless told otherwise.
DEFAULT_CONCURRENCY = 10
#: Pages each window in progress may hold before its walker waits for the consumer.
DEFAULT_SHARD_BUFFER = 16
#: Windows per shard: small windows keep buffers small and the pipeline full.
WINDOWS_PER_SHARD = 4
#: ``windows=``: at most WINDOWS_PER_SHARD for each of the most shards (``MAX_SHARDS``).
_window_count = integer(minimum=1, maximum=MAX_SHARDS * WINDOWS_PER_SHARD)

_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)


@frozen
class Success(Generic[T, R]):
    """An item of a fan-out that succeeded: ``value`` is what the call returned.

    ``index`` is the item's position in the input; ``item`` the input itself.
    """

    index: int
    item: T
    value: R
    error: None = None

    @property
    def ok(self) -> Literal[True]:
        return True

    def unwrap(self) -> R:
        """The value."""
        return self.value


@frozen
class Failure(Generic[T]):
    """An item of a fan-out that failed: ``error`` is the exception its call raised."""

    index: int
    item: T
    error: Exception
    value: None = None

    @property
    def ok(self) -> Literal[False]:
        return False

    def unwrap(self) -> NoReturn:
        """Raise the item's exception."""
        raise self.error


#: The result of one item of a fan-out. ``if outcome.ok:`` narrows it to a ``Success`` (with
#: its ``value``), else to a ``Failure`` (with its ``error``).
Outcome: TypeAlias = Union[Success[T, R], Failure[T]]  # noqa: UP007 (a generic alias on 3.10)


async def _numbered(
    items: Iterable[T] | AsyncIterable[T],
) -> AsyncGenerator[tuple[int, T], None]:
    index = 0
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield index, item
            index += 1
    else:
        for item in items:
            yield index, item
            index += 1


async def _run_one(
    func: Callable[[T], Awaitable[R]],
    index: int,
    item: T,
    gate: asyncio.Semaphore | None = None,
) -> Outcome[T, R]:
    try:
        if gate is None:
            return Success(index, item, await func(item))
        async with gate:
            return Success(index, item, await func(item))
    except Exception as error:  # one item's failure is its outcome, not the batch's end
        return Failure(index, item, error)


async def _cancel_all(tasks: Iterable[asyncio.Task[Any]]) -> None:
    pending = [task for task in tasks if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)


def fan_out(
    func: Callable[[T], Awaitable[R]],
    items: Iterable[T] | AsyncIterable[T],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    ordered: bool = False,
) -> AsyncIterator[Outcome[T, R]]:
    """Run ``func`` on each item with at most ``concurrency`` calls at once; yield Outcomes.

    ``ordered=False`` (default) yields each Outcome as its call completes; ``ordered=True`` in
    the order of ``items``. Items are pulled lazily, so ``items`` may be endless or an async
    generator. An exception from ``func`` becomes that item's ``Outcome.error``; the rest of the
    batch goes on. Leaving the loop early cancels the calls still running.

        async for outcome in fan_out(check_url, urls, concurrency=20):
            if not outcome.ok:
                print(outcome.item, outcome.error)
    """
    positive_integer("concurrency", concurrency)
    if ordered:
        return _fan_out_ordered(func, items, concurrency)
    return _fan_out_unordered(func, items, concurrency)


async def _fan_out_unordered(
    func: Callable[[T], Awaitable[R]], items: Iterable[T] | AsyncIterable[T], concurrency: int
) -> AsyncIterator[Outcome[T, R]]:
    # Finished calls land in a queue (a done-callback each), so waiting for the next one costs
    # the same however many are running, unlike asyncio.wait over the whole set.
    finished: asyncio.Queue[asyncio.Task[Outcome[T, R]]] = asyncio.Queue()
    running: set[asyncio.Task[Outcome[T, R]]] = set()
    try:
        async with aclosing(_numbered(items)) as source:
            exhausted = False
            while True:
                while not exhausted and len(running) < concurrency:
                    try:
                        index, item = await source.__anext__()
                    except StopAsyncIteration:
                        exhausted = True
                        break
                    task = asyncio.ensure_future(_run_one(func, index, item))
                    task.add_done_callback(finished.put_nowait)
                    running.add(task)
                if not running:
                    return
                done = await finished.get()
                running.discard(done)
                yield done.result()
    finally:
        await _cancel_all(running)


async def _fan_out_ordered(
    func: Callable[[T], Awaitable[R]], items: Iterable[T] | AsyncIterable[T], concurrency: int
) -> AsyncIterator[Outcome[T, R]]:
    # Up to 2 * concurrency calls are started (the gate lets ``concurrency`` of them run), so a
    # slow call at the head does not stall the others while results wait their turn.
    gate = asyncio.Semaphore(concurrency)
    window: collections.deque[asyncio.Task[Outcome[T, R]]] = collections.deque()
    try:
        async with aclosing(_numbered(items)) as source:
            exhausted = False
            while True:
                while not exhausted and len(window) < 2 * concurrency:
                    try:
                        index, item = await source.__anext__()
                    except StopAsyncIteration:
                        exhausted = True
                        break
                    window.append(asyncio.ensure_future(_run_one(func, index, item, gate)))
                if not window:
                    return
                yield await window[0]
                window.popleft()
    finally:
        await _cancel_all(window)


# -- time-window sharding ----------------------------------------------------------------------


class WindowedListing(Protocol):
    """What cutting a list's date range into windows needs to know of the list."""

    @property
    def window_filters(self) -> tuple[str, str]: ...

    @property
    def newest_first(self) -> bool: ...

    def window_step(self) -> timedelta: ...


class ShardableListing(WindowedListing, Protocol[R]):
    """What stream_sharded needs of a resource: its windows, and a page walk for each."""

    def window_walks(
        self, windows: Iterable[Mapping[str, Any]], *, page_size: int | None = None
    ) -> list[AsyncIterator[Page[R]]]: ...


def _bound(field: str, value: Any, *, upper: bool, step: timedelta) -> datetime:
    """A filter value as the UTC moment the API will compare with, at the filter's precision."""
    moment = as_utc_datetime(field, value, end_of_day=upper)  # a plain date: that whole day
    if step >= _DAY:
        day = datetime.combine(moment.date(), time.min, tzinfo=timezone.utc)
        return day + (_DAY - _SECOND if upper else timedelta(0))
    return moment.replace(microsecond=0)  # the wire carries whole seconds


def shard_windows(
    start: datetime | date | str,
    end: datetime | date | str,
    count: int,
    *,
    step: timedelta = _SECOND,
) -> list[tuple[datetime, datetime]]:
    """Split the inclusive range ``[start, end]`` into at most ``count`` inclusive windows.

    Windows are in chronological order, consecutive and disjoint at ``step`` precision (one
    second, or one day for date-only filters): each ends one ``step`` before the next begins,
    so a record dated exactly on an edge belongs to exactly one window. Fewer windows come back
    when the range has fewer steps than ``count``.
    """
    positive_integer("shards", count)
    first = _bound("start_date", start, upper=False, step=step)
    last = _bound("end_date", end, upper=True, step=step)
    if last < first:
        raise ValidationError("end_date", "must not be before start_date")
    units = (last - first + _SECOND) // step  # both bounds are inclusive
    count = min(count, units)
    base, extra = divmod(units, count)
    windows: list[tuple[datetime, datetime]] = []
    begin = first
    for index in range(count):
        size = base + (1 if index < extra else 0)
        finish = begin + size * step - _SECOND
        windows.append((begin, finish))
        begin = begin + size * step
    return windows


def window_filters(
    listing: WindowedListing,
    start_date: datetime | date | str,
    end_date: datetime | date | str,
    windows: int,
    filters: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """The filters of each of ``windows`` time windows of the range, in the order the API lists
    records (newest window first for newest-first lists)."""
    start_name, end_name = listing.window_filters
    spans = shard_windows(start_date, end_date, windows, step=listing.window_step())
    if listing.newest_first:
        spans.reverse()
    return [{**filters, start_name: a, end_name: b} for a, b in spans]


_END = object()


@frozen
class _Failed:
    error: BaseException


async def _pump(pages: AsyncIterator[Page[R]], queue: asyncio.Queue[Any]) -> None:
    """Move one window's pages into its queue, then an end marker (or the failure)."""
    try:
        async with aclosing(pages) as walker:  # type: ignore[type-var]
            async for page in walker:
                await queue.put(page)
    except Exception as error:
        await queue.put(_Failed(error))
        return
    await queue.put(_END)


def stream_sharded(
    listing: ShardableListing[R],
    *,
    shards: int,
    start_date: datetime | date | str,
    end_date: datetime | date | str,
    ordered: bool = True,
    windows: int | None = None,
    shard_buffer: int | None = DEFAULT_SHARD_BUFFER,
    limit: int | None = None,
    page_size: int | None = None,
    **filters: Any,
) -> AsyncIterator[R]:
    """Every record of ``listing`` between ``start_date`` and ``end_date`` (inclusive), fetched
    by ``shards`` concurrent walkers over consecutive time windows.

    ``ordered=True`` yields exactly what the unsharded ``stream`` would, in the same order;
    ``ordered=False`` yields pages' records as they arrive (less waiting, same set of records).
    ``windows`` is how many windows to cut the range into (default ``4 * shards``);
    ``shard_buffer`` how many pages each window in progress may hold (None: no bound).
    Arguments are checked now, before anything is sent.
    """
    shard_count("shards", shards)
    if windows is None:
        windows = shards * WINDOWS_PER_SHARD
    _window_count("windows", windows)
    check("shard_buffer", shard_buffer, positive_integer)
    check("limit", limit, positive_integer)
    # The listing builds every window's walk now, so that bad filters fail here, before any
    # request; this module only merges them.
    walks = listing.window_walks(
        window_filters(listing, start_date, end_date, windows, filters), page_size=page_size
    )
    if ordered:
        pages = merge_ordered(walks, shards, shard_buffer)
    else:
        pages = _merge_unordered(walks, shards, shard_buffer)
    return iterate_records(pages, limit=limit)


async def _close_unstarted(walks: Iterable[AsyncIterator[Any]]) -> None:
    for walk in walks:
        await walk.aclose()  # type: ignore[attr-defined]


async def merge_ordered(
    walks: list[AsyncIterator[Page[R]]], shards: int, buffer: int | None
) -> AsyncIterator[Page[R]]:
    """Pages of each walk in turn, with the next ``shards - 1`` walks already running."""
    pending = collections.deque(walks)
    active: collections.deque[tuple[asyncio.Queue[Any], asyncio.Task[None]]] = collections.deque()

    def start_next() -> None:
        if pending:
            queue: asyncio.Queue[Any] = asyncio.Queue(buffer or 0)
            active.append((queue, asyncio.ensure_future(_pump(pending.popleft(), queue))))

    try:
        for _ in range(shards):
            start_next()
        while active:
            queue, _task = active[0]
            while (item := await queue.get()) is not _END:
                if isinstance(item, _Failed):
                    raise item.error
                yield item
            active.popleft()
            start_next()
    finally:
        await _cancel_all(task for _, task in active)
        await _close_unstarted(pending)


async def _merge_unordered(
    walks: list[AsyncIterator[Page[R]]], shards: int, buffer: int | None
) -> AsyncIterator[Page[R]]:
    """Pages of ``shards`` walks at a time, as they arrive."""
    pending = collections.deque(walks)
    queue: asyncio.Queue[Any] = asyncio.Queue(buffer * shards if buffer else 0)
    tasks: list[asyncio.Task[None]] = []
    live = 0

    def start_next() -> None:
        nonlocal live
        if pending:
            tasks.append(asyncio.ensure_future(_pump(pending.popleft(), queue)))
            live += 1

    try:
        for _ in range(shards):
            start_next()
        while live:
            item = await queue.get()
            if item is _END:
                live -= 1
                start_next()
            elif isinstance(item, _Failed):
                raise item.error
            else:
                yield item
    finally:
        await _cancel_all(tasks)
        await _close_unstarted(pending)
