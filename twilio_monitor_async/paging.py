"""The one paging engine every list uses: walk next-page links lazily, yield pages or records.

``_walk`` is the single generator behind ``stream()``, ``list()`` and ``pages()`` of every
resource (``iterate_pages`` yields its pages decoded, ``stream_records`` their records),
whatever the API's paging style (``meta.next_page_url`` or Api 2010's ``next_page_uri``, both
turned into ``PageMeta.next_page_url`` by ``sansio.parse_page``). It refuses links that leave
the API's host or loop back to a page already seen (when it comes to follow them: the page
holding such a link is still yielded), stops a run of ``MAX_EMPTY_PAGES`` empty pages that keep
linking onward, and stops at ``limit`` records or ``page_limit`` pages. By default it reads
exactly one page ahead, which hides a response's latency behind the caller's work on the page
before it, with at most two pages in memory and never a page past the limits;
``prefetch=False`` holds one page and reads on demand. A page the fast decoder read
(``models.fast_decode``) holds wire structs: ``pages()`` makes all its records at once, a
stream makes each record as the caller asks for it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator
from contextlib import aclosing
from typing import Any, Generic, TypeVar

from attrs import field, frozen

from .errors import DecodeError, PagingError
from .models.common import PageMeta
from .models.converter import structure_many
from .models.fast_decode import DecodedPage, MakeRecords, page_decoder
from .sansio import Request, parse_page, redact_url, resolve_page_link
from .sender import Sender

__all__ = [
    "MAX_EMPTY_PAGES",
    "Page",
    "PageReader",
    "RawPage",
    "iterate_pages",
    "iterate_records",
    "stream_records",
]

R = TypeVar("R")

#: Empty pages in a row that still link onward before the walk stops with PagingError: a
#: server handing out fresh links to nothing would otherwise be followed forever.
MAX_EMPTY_PAGES = 10


@frozen
class Page(Generic[R]):
    """One page of a list: its records and its meta. ``await page.next_page()`` reads on."""

    records: tuple[R, ...]
    meta: PageMeta
    _reader: PageReader[R] | None = field(default=None, repr=False, eq=False, alias="reader")

    def __iter__(self) -> Iterator[R]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    @property
    def next_page_url(self) -> str | None:
        """Where the next page is (absolute), or None on the last page. Keep it to resume later."""
        return self.meta.next_page_url

    async def next_page(self) -> Page[R] | None:
        """The following page, or None when this is the last one."""
        if self.meta.next_page_url is None or self._reader is None:
            return None
        return await self._reader.read(self._reader.request_for(self.meta.next_page_url))


class PageReader(Generic[R]):
    """Reads one page of one list: send the request, split records from meta, decode records."""

    def __init__(
        self,
        sender: Sender,
        base_url: str,
        key: str | None,
        record: type[R],
        *,
        domain: str | None = None,
    ) -> None:
        self._sender = sender
        self._base_url = base_url
        self._domain = domain
        self._key = key
        self._record = record
        self._fast = page_decoder(record, key) if key is not None else None

    def request_for(self, url: str) -> Request:
        """The request for a page link: checked to stay on the API's own scheme and host (a
        link on the API's Twilio host in another region/edge form goes to the base URL)."""
        return Request(method="GET", url=resolve_page_link(url, self._base_url, self._domain))

    async def read(self, request: Request) -> Page[R]:
        return self.decode(await self.fetch(request))

    async def fetch(self, request: Request) -> RawPage:
        """Send the request and split the body: raw records (not decoded yet) and the meta."""
        fast = self._fast
        response = await self._sender.send(request, decode=fast.decode if fast else None)
        data = response.data
        if isinstance(data, DecodedPage):
            raw, meta = parse_page(data.document, self._key, self._base_url, response.url)
            return RawPage(raw, meta, response.url, data.make_records)
        raw, meta = parse_page(data, self._key, self._base_url, response.url)
        return RawPage(raw, meta, response.url)

    def decode(self, fetched: RawPage) -> Page[R]:
        """A fetched page with all its records decoded."""
        return Page(tuple(self.records_of(fetched)), fetched.meta, reader=self)

    def records_of(self, fetched: RawPage) -> Iterator[R]:
        """A fetched page's records: made one at a time, as they are asked for, from what the
        fast decoder read; else all decoded at once by the record's structure function."""
        fail = functools.partial(self._decode_error, fetched.url)
        if fetched.make_records is not None:
            made: Iterator[R] = fetched.make_records(fetched.records, fail)
            return made
        try:
            records = structure_many(fetched.records, self._record)
        except Exception as exc:  # any failure inside the generated decoder is a decode error
            raise fail(exc) from None
        return iter(records)

    def _decode_error(self, url: str, exc: Exception) -> DecodeError:
        return DecodeError(
            url=redact_url(url),
            reason=f"a {self._record.__name__} record has an unexpected shape ({exc!r})",
        )


@frozen
class RawPage:
    """A page as fetched: its records still raw (JSON, or with ``make_records`` the fast
    decoder's wire structs), its meta already parsed."""

    records: list[Any]
    meta: PageMeta
    url: str
    make_records: MakeRecords | None = None


async def iterate_pages(
    reader: PageReader[R],
    first: Request,
    *,
    page_limit: int | None = None,
    record_limit: int | None = None,
    prefetch: bool = True,
) -> AsyncIterator[Page[R]]:
    """Yield pages lazily from ``first`` on, following next links until the last page.

    With ``prefetch`` the next page is requested as soon as this page's meta is read, before
    its records are decoded: the response's latency hides behind the decoding and behind the
    caller's work on this page. One page ahead at most, so at most two pages are held. The
    read-ahead stops at ``page_limit`` pages or once ``record_limit`` records have been read (no
    page nobody will read is requested). Closing the generator, or abandoning it to the garbage
    collector, cancels a read-ahead still in flight and waits for it to end.
    """
    walk = _walk(reader, first, page_limit=page_limit, record_limit=record_limit, prefetch=prefetch)
    async with aclosing(walk):
        async for fetched in walk:
            page = reader.decode(fetched)
            del fetched  # the raw page is no longer needed once decoded
            yield page
            del page  # the caller has moved on: do not keep it alive while the next one arrives


def stream_records(
    reader: PageReader[R],
    first: Request,
    *,
    page_limit: int | None = None,
    limit: int | None = None,
    prefetch: bool = True,
) -> AsyncIterator[R]:
    """The records of the pages from ``first`` on (as ``iterate_pages`` walks them), at most
    ``limit``; each record is made only when the caller asks for it."""
    walk = _walk(reader, first, page_limit=page_limit, record_limit=limit, prefetch=prefetch)
    return iterate_records(_records_by_page(reader, walk), limit=limit)


async def _records_by_page(
    reader: PageReader[R], walk: AsyncGenerator[RawPage, None]
) -> AsyncIterator[Iterator[R]]:
    """Each walked page as an iterator of its records (made as they are asked for)."""
    async with aclosing(walk):
        async for fetched in walk:
            records = reader.records_of(fetched)
            del fetched
            yield records
            del records


async def _walk(
    reader: PageReader[R],
    first: Request,
    *,
    page_limit: int | None,
    record_limit: int | None,
    prefetch: bool,
) -> AsyncGenerator[RawPage, None]:
    """The pages from ``first`` on as fetched, records not decoded yet (see ``iterate_pages``
    for the read-ahead, the limits and closing)."""
    seen: set[str] = {first.display_url}
    count = 0
    records = 0
    empty_run = 0
    ahead: asyncio.Task[RawPage] | None = None
    request: Request | None = first
    try:
        while request is not None:
            if ahead is not None:
                task, ahead = ahead, None
                fetched = await task
            else:
                fetched = await reader.fetch(request)
            count += 1
            records += len(fetched.records)
            empty_run = 0 if fetched.records else empty_run + 1
            request = None
            refusal: PagingError | None = None
            next_url = fetched.meta.next_page_url
            more = next_url is not None and (page_limit is None or count < page_limit)
            if more and (record_limit is None or records < record_limit):
                assert next_url is not None
                try:
                    request = _follow(reader, next_url, seen, empty_run)
                except PagingError as error:
                    # Refused when it comes to following it: this page's records still count.
                    refusal = error
                if request is not None and prefetch:
                    ahead = asyncio.ensure_future(reader.fetch(request))
                    # Let the read-ahead put its request on the wire now: a task only starts at
                    # the next suspension, and a caller looping over records without awaiting
                    # anything would otherwise not let it run until it asks for the next page.
                    await asyncio.sleep(0)
            yield fetched
            del fetched  # the caller has moved on: do not keep it alive while the next one arrives
            if refusal is not None:
                raise refusal
    finally:
        if ahead is not None:
            await _cancel(ahead)


def _follow(reader: PageReader[R], next_url: str, seen: set[str], empty_run: int) -> Request:
    """The request for ``next_url``, or PagingError: a loop, a run of empty pages, a bad link."""
    if empty_run >= MAX_EMPTY_PAGES:
        raise PagingError(
            url=redact_url(next_url),
            reason=f"{empty_run} empty pages in a row still link onward",
        )
    if next_url in seen:
        raise PagingError(url=redact_url(next_url), reason="it loops back to a page already read")
    request = reader.request_for(next_url)
    seen.add(next_url)
    return request


async def _cancel(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` and wait for it to end; its outcome is dropped (nobody wants that page)."""
    task.add_done_callback(_drop_outcome)
    task.cancel()
    await asyncio.wait([task])


def _drop_outcome(task: asyncio.Future[Any]) -> None:
    # Retrieve the exception so asyncio does not log "Task exception was never retrieved" for a
    # read-ahead that failed after the consumer had already stopped.
    if not task.cancelled():
        task.exception()


async def iterate_records(
    pages: AsyncIterator[Iterable[R]], *, limit: int | None = None
) -> AsyncIterator[R]:
    """Yield the records of ``pages`` (pages, or iterators of a page's records) in order; stop
    after ``limit`` without reading further."""
    if limit is not None and limit <= 0:
        return
    emitted = 0
    async with aclosing(pages) as walker:  # type: ignore[type-var]
        async for page in walker:
            for record in page:
                yield record
                emitted += 1
                if limit is not None and emitted >= limit:
                    return
