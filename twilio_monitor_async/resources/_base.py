"""The mechanism that runs declared endpoints; resource classes are declarations on top of it.

A resource group (``client.alerts``, ...) is a class that names its Endpoint declarations and
mixes in the verbs it supports: ``Listing`` gives ``stream``/``list``/``page``/``pages`` for its
``list_endpoint``; ``Fetching`` gives ``fetch`` for its ``fetch_endpoint``. Anything else (create,
update, delete) is a one-line method that hands a declaration and arguments to ``_call``. Every
argument is checked by ``sansio.build_request`` before any request is sent.
"""

from __future__ import annotations

import builtins
import operator
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypedDict, TypeVar

import attrs
from typing_extensions import Unpack

from .. import _endpoints, bulk
from .._dates import as_utc_datetime
from .._endpoints import (
    Endpoint,
    check,
    duration,
    positive_integer,
    seconds,
    shard_count,
)
from ..errors import DecodeError, ValidationError
from ..follow import FollowCheckpoint, follow_records
from ..models.converter import converter
from ..paging import Page, PageReader, iterate_pages, stream_records
from ..sansio import Request, build_request, redact_url
from ..sender import ParsedResponse, Sender

__all__ = [
    "ApiContext",
    "DateLike",
    "Fetching",
    "Following",
    "Listing",
    "NoFilters",
    "Resource",
]

#: What a date filter takes: a datetime (naive means UTC), a date, or an ISO 8601 string.
DateLike = datetime | date | str


class NoFilters(TypedDict, total=False):
    """The filters of a list that has none. Each list with filters declares its own TypedDict
    (checked against its endpoint's declaration by the tests), so type checkers refuse an
    unknown or mistyped filter."""


R = TypeVar("R")
F = TypeVar("F")

#: Largest page the Twilio list APIs serve; stream() and list() ask for it unless told otherwise.
MAX_PAGE_SIZE = 1000


@attrs.frozen
class ApiContext:
    """What every resource needs from its client: the transport, base URLs, the account."""

    sender: Sender
    base_urls: Mapping[str, str]
    account_sid: str | None

    def base_url(self, domain: str) -> str:
        return self.base_urls[domain]


class Resource:
    """A resource group bound to a client (and, for sub-resources, to a parent's identifiers)."""

    def __init__(self, context: ApiContext, **bound: str) -> None:
        self._context = context
        self._bound = bound

    def __repr__(self) -> str:
        bound = "".join(f" {k}={v!r}" for k, v in self._bound.items())
        return f"<{type(self).__name__}{bound}>"

    def _request(self, endpoint: Endpoint[Any], arguments: Mapping[str, Any]) -> Request:
        merged = {**self._bound, **arguments}
        if "account_sid" in endpoint.args and merged.get("account_sid") is None:
            if self._context.account_sid is None:
                raise ValidationError(
                    "account_sid", "is required for this API (it is part of the URL path)"
                )
            merged["account_sid"] = self._context.account_sid
        return build_request(endpoint, self._context.base_url(endpoint.domain), merged)

    async def _send(self, endpoint: Endpoint[Any], arguments: Mapping[str, Any]) -> ParsedResponse:
        request = self._request(endpoint, arguments)
        return await self._context.sender.send(request)

    async def _call(self, endpoint: Endpoint[R], **arguments: Any) -> R:
        """Run a single-record endpoint and decode its body to the declared record."""
        response = await self._send(endpoint, arguments)
        assert endpoint.record is not None, "declare a record for endpoints that return one"
        return decode_record(response, endpoint.record)

    async def _call_no_content(self, endpoint: Endpoint[Any], **arguments: Any) -> None:
        """Run an endpoint that answers without a body (204)."""
        await self._send(endpoint, arguments)


def decode_record(response: ParsedResponse, record: type[R]) -> R:
    if not isinstance(response.data, dict):
        raise DecodeError(
            url=redact_url(response.url),
            reason=f"expected a JSON object, got {type(response.data).__name__}",
        )
    try:
        return converter.structure(response.data, record)
    except Exception as exc:  # any failure inside the generated decoder is a decode error
        raise DecodeError(
            url=redact_url(response.url),
            reason=f"the {record.__name__} has an unexpected shape ({exc!r})",
        ) from None


def _refuse_with_page_url(page_size: int | None, filters: Mapping[str, Any]) -> None:
    if filters or page_size is not None:
        name = next(iter(filters), "page_size")
        raise ValidationError(name, "cannot be combined with page_url (the URL holds them)")


class Listing(Resource, Generic[R]):
    """``stream``, ``list``, ``page`` and ``pages`` over the resource's ``list_endpoint``.

    Filters are the keyword arguments the endpoint declares (snake_case; see each resource).
    """

    list_endpoint: Endpoint[R]

    def _reader(self) -> PageReader[R]:
        endpoint = self.list_endpoint
        assert endpoint.record is not None
        return PageReader(
            self._context.sender,
            self._context.base_url(endpoint.domain),
            endpoint.key,
            endpoint.record,
            domain=endpoint.domain,
        )

    def _first_request(self, page_size: int | None, filters: Mapping[str, Any]) -> Request:
        return self._request(self.list_endpoint, {**filters, "page_size": page_size})

    def _walk_size(self, limit: int | None, page_size: int | None) -> int:
        check("limit", limit, positive_integer)
        if page_size is not None:
            return page_size
        return min(limit, MAX_PAGE_SIZE) if limit is not None else MAX_PAGE_SIZE

    #: The inclusive date-range filters that ``stream(shards=N)`` splits into windows.
    window_filters: tuple[str, str] = ("start_date", "end_date")
    #: The list's order on its date: newest first (every Twilio log list) or oldest first.
    newest_first: bool = True

    def window_step(self) -> timedelta:
        """The precision of the date filters: a day for date-only filters, else a second."""
        args = self.list_endpoint.args
        missing = [name for name in self.window_filters if name not in args]
        if missing:
            raise ValidationError(
                "shards", f"{type(self).__name__} has no {missing[0]} filter to shard on"
            )
        start_arg = args[self.window_filters[0]]
        return (
            timedelta(days=1) if start_arg.encode is _endpoints.date_only else timedelta(seconds=1)
        )

    def window_walks(
        self, windows: Iterable[Mapping[str, Any]], *, page_size: int | None = None
    ) -> builtins.list[AsyncIterator[Page[R]]]:
        """One page walk (not started) per window's filters, each checked now; ``bulk`` merges
        them (``stream(shards=N)``, sharded exports)."""
        return [
            self._pages(dict(window), page_size=page_size, prefetch=False) for window in windows
        ]

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[NoFilters],
    ) -> AsyncIterator[Page[R]]:
        """Every page, lazily, one read ahead unless ``prefetch=False``; from ``page_url`` (a
        kept ``Page.next_page_url``) when given. Arguments are checked now, before anything is
        sent."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    def _pages(
        self,
        filters: dict[str, Any],
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
    ) -> AsyncIterator[Page[R]]:
        check("page_limit", page_limit, positive_integer)
        reader = self._reader()
        if page_url is not None:
            _refuse_with_page_url(page_size, filters)
            first = reader.request_for(page_url)
        else:
            first = self._first_request(self._walk_size(None, page_size), filters)
        return iterate_pages(reader, first, page_limit=page_limit, prefetch=prefetch)

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[NoFilters],
    ) -> AsyncIterator[R]:
        """Every matching record, lazily, page by page; at most ``limit`` records.

        ``page_size`` defaults to ``min(limit, 1000)`` (1000 without a limit). The next page is
        fetched while the caller works on the current one unless ``prefetch=False``.
        ``shards=N`` (with ``start_date`` and ``end_date``) walks N time windows of the range at
        once and yields the same records in the same order (see ``bulk.stream_sharded``).
        """
        return self._stream(
            dict(filters),
            limit=limit,
            page_size=page_size,
            page_limit=page_limit,
            prefetch=prefetch,
            shards=shards,
        )

    def _stream(
        self,
        filters: dict[str, Any],
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
    ) -> AsyncIterator[R]:
        check("page_limit", page_limit, positive_integer)
        check("shards", shards, shard_count)  # by name, before any work: it bounds the tasks
        if shards is not None:
            if page_limit is not None:
                raise ValidationError("page_limit", "cannot be combined with shards")
            start_name, end_name = self.window_filters
            self.window_step()  # refuses lists without date filters
            bounds = {name: filters.pop(name, None) for name in (start_name, end_name)}
            for name, value in bounds.items():
                if value is None:
                    raise ValidationError(name, "is required with shards (the range to split)")
            return bulk.stream_sharded(
                self,
                shards=shards,
                start_date=bounds[start_name],
                end_date=bounds[end_name],
                limit=limit,
                page_size=self._walk_size(limit, page_size),
                **filters,
            )
        first = self._first_request(self._walk_size(limit, page_size), filters)
        return stream_records(
            self._reader(), first, page_limit=page_limit, limit=limit, prefetch=prefetch
        )

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[NoFilters],
    ) -> list[R]:
        """``stream`` collected into a list: bound it with ``limit`` or ``page_limit``."""
        return await self._list(
            dict(filters),
            limit=limit,
            page_size=page_size,
            page_limit=page_limit,
            prefetch=prefetch,
            shards=shards,
        )

    async def _list(self, filters: dict[str, Any], **options: Any) -> builtins.list[R]:
        return [record async for record in self._stream(filters, **options)]

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_url: str | None = None,
        **filters: Unpack[NoFilters],
    ) -> Page[R]:
        """One page. With ``page_url`` (a ``Page.next_page_url`` kept earlier), resume there."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    async def _page(
        self, filters: dict[str, Any], *, page_size: int | None = None, page_url: str | None = None
    ) -> Page[R]:
        reader = self._reader()
        if page_url is not None:
            _refuse_with_page_url(page_size, filters)
            return await reader.read(reader.request_for(page_url))
        return await reader.read(self._first_request(page_size, filters))


class Fetching(Resource, Generic[F]):
    """``fetch(key)`` over the resource's ``fetch_endpoint`` (one path argument besides bound ones)."""

    fetch_endpoint: Endpoint[F]

    async def fetch(self, sid: str) -> F:
        """The instance view of one record."""
        names = [
            name
            for name, arg in self.fetch_endpoint.args.items()
            if arg.location == "path" and name not in self._bound and name != "account_sid"
        ]
        return await self._call(self.fetch_endpoint, **{names[0]: sid})

    def fetch_many(
        self,
        sids: Iterable[str] | AsyncIterable[str],
        *,
        concurrency: int | None = None,
        ordered: bool = False,
    ) -> AsyncIterator[bulk.Outcome[str, F]]:
        """``fetch`` each SID, as many at a time as the client's adaptive limit allows (at most
        ``concurrency`` when given); one ``Outcome`` per SID.

        Outcomes come as fetches complete, or in the order of ``sids`` with ``ordered=True``.
        A SID that is malformed or fails (404, error after retries) is an Outcome with ``error``
        set; the others are fetched all the same. The client's ``max_in_flight`` and
        ``rate_limit`` still apply across everything it does.
        """
        if concurrency is None:  # issue 14: follow the client's limiter, up to its ceiling
            concurrency = self._context.sender.limits.max_in_flight
        return bulk.fan_out(self.fetch, sids, concurrency=concurrency, ordered=ordered)


class Following(Listing[R]):
    """``follow()``: new records as they arrive, for a list filtered by a record date."""

    #: The record attribute the list's ``start_date`` filter applies to.
    follow_date_field: str

    def follow(
        self,
        *,
        since: datetime | date | str | None = None,
        checkpoint: FollowCheckpoint | None = None,
        poll_interval: float = 10.0,
        lookback: timedelta = timedelta(minutes=5),
        max_polls: int | None = None,
        on_poll: Callable[[FollowCheckpoint], None] | None = None,
        **filters: Unpack[NoFilters],
    ) -> AsyncIterator[R]:
        """New records, oldest first, each once; polls every ``poll_interval`` seconds.

        Starts at the newest record (only what arrives from now on), or replays from ``since``.
        Keep ``checkpoint`` (a FollowCheckpoint, updated as records are yielded) and pass it
        back after a restart to go on without repeating or skipping anything; ``on_poll`` gets
        it after every poll, to save it. Filters are the list's own, except the dates, which
        follow manages.
        """
        return self._follow(
            dict(filters),
            since=since,
            checkpoint=checkpoint,
            poll_interval=poll_interval,
            lookback=lookback,
            max_polls=max_polls,
            on_poll=on_poll,
        )

    def _follow(
        self,
        filters: dict[str, Any],
        *,
        since: datetime | date | str | None = None,
        checkpoint: FollowCheckpoint | None = None,
        poll_interval: float = 10.0,
        lookback: timedelta = timedelta(minutes=5),
        max_polls: int | None = None,
        on_poll: Callable[[FollowCheckpoint], None] | None = None,
    ) -> AsyncIterator[R]:
        for name in ("start_date", "end_date"):
            if name in filters:
                raise ValidationError(name, "follow() manages the dates; use since= instead")
        duration()("lookback", lookback)
        seconds()("poll_interval", poll_interval)
        check("max_polls", max_polls, positive_integer)
        self._request(self.list_endpoint, filters)  # refuse bad filters now, not at the first poll
        start = None if since is None else as_utc_datetime("since", since)
        return follow_records(
            lambda limit=None, **dates: self._stream({**filters, **dates}, limit=limit),
            date_of=operator.attrgetter(self.follow_date_field),
            id_of=operator.attrgetter("sid"),
            since=start,
            checkpoint=checkpoint,
            poll_interval=float(poll_interval),
            lookback=lookback,
            max_polls=max_polls,
            on_poll=on_poll,
        )
