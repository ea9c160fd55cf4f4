"""Records shared by every API: the meta of one list page."""

from __future__ import annotations

from attrs import frozen

__all__ = ["PageMeta"]


@frozen
class PageMeta:
    """Where a page sits in its list, in one shape for both paging styles.

    Monitor, Events and Alarms send ``meta.next_page_url``; Api 2010 sends ``next_page_uri``
    relative to its host, plus ``start``/``end``. Every URL here is absolute: relative URIs are
    resolved against the API base before this record is made.
    """

    page: int | None = None
    page_size: int | None = None
    key: str | None = None
    url: str | None = None
    first_page_url: str | None = None
    previous_page_url: str | None = None
    next_page_url: str | None = None
    start: int | None = None
    end: int | None = None
