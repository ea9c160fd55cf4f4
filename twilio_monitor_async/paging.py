"""The one paging engine every list uses: walk next-page links lazily, yield pages or records.

``iterate_pages`` is the single generator behind ``stream()``, ``list()`` and ``pages()`` of every
resource, whatever the API's paging style (``meta.next_page_url`` or Api 2010's
``next_page_uri``, both turned into ``PageMeta.next_page_url`` by ``sansio.parse_page``). It holds
one page at a time, never fetches a page nobody asked for, refuses links that leave the API's
host or loop back to a page already seen, and stops at ``limit`` records or ``page_limit`` pages.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing
from typing import Generic, TypeVar

from attrs import field, frozen

from .errors import DecodeError, PagingError
from .models._converter import structure_many
from .models.common import PageMeta
from .sansio import Request, parse_page, redact_url, resolve_page_link
from .transport import Transport

__all__ = ["Page", "PageReader", "iterate_pages", "iterate_records"]

R = TypeVar("R")


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
        self, transport: Transport, base_url: str, key: str | None, record: type[R]
    ) -> None:
        self._transport = transport
        self._base_url = base_url
        self._key = key
        self._record = record

    def request_for(self, url: str) -> Request:
        """The request for a page link: checked to stay on the API's own scheme and host."""
        return Request(method="GET", url=resolve_page_link(url, self._base_url))

    async def read(self, request: Request) -> Page[R]:
        response = await self._transport.send(request)
        raw, meta = parse_page(response.data, self._key, self._base_url, response.url)
        try:
            records = structure_many(raw, self._record)
        except Exception as exc:  # any failure inside the generated decoder is a decode error
            raise DecodeError(
                url=redact_url(response.url),
                reason=f"a {self._record.__name__} record has an unexpected shape ({exc!r})",
            ) from None
        return Page(tuple(records), meta, reader=self)


async def iterate_pages(
    reader: PageReader[R], first: Request, *, page_limit: int | None = None
) -> AsyncIterator[Page[R]]:
    """Yield pages lazily from ``first`` on, following next links until the last page."""
    seen: set[str] = {first.display_url}
    request = first
    count = 0
    while True:
        page = await reader.read(request)
        count += 1
        yield page
        next_url = page.meta.next_page_url
        if next_url is None or (page_limit is not None and count >= page_limit):
            return
        if next_url in seen:
            raise PagingError(
                url=redact_url(next_url), reason="it loops back to a page already read"
            )
        seen.add(next_url)
        request = reader.request_for(next_url)


async def iterate_records(
    pages: AsyncIterator[Page[R]], *, limit: int | None = None
) -> AsyncIterator[R]:
    """Yield the records of ``pages`` in order; stop after ``limit`` without reading further."""
    if limit is not None and limit <= 0:
        return
    emitted = 0
    async with aclosing(pages) as walker:  # type: ignore[type-var]
        async for page in walker:
            for record in page.records:
                yield record
                emitted += 1
                if limit is not None and emitted >= limit:
                    return
