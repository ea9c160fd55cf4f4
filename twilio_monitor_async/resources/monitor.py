"""Monitor v1: debugger Alerts and audit Events, as declarations."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import TypedDict

from typing_extensions import Unpack

from .._endpoints import Endpoint, choice, instant, path, query, sid, text
from ..follow import FollowCheckpoint
from ..models.monitor import Alert, AlertInstance, Event, LogLevel
from ..paging import Page
from ._base import DateLike, Fetching, Following

__all__ = ["Alerts", "Events"]


class AlertFilters(TypedDict, total=False):
    """The filters of ``client.alerts`` lists (see ``Alerts``)."""

    log_level: LogLevel | str | None
    start_date: DateLike | None
    end_date: DateLike | None


class Alerts(Following[Alert], Fetching[AlertInstance]):
    """``client.alerts``: debugger alerts, newest first.

    Filters: ``log_level`` (error, warning, notice, debug), ``start_date`` and ``end_date``
    (inclusive; a datetime, a date or an ISO 8601 string).
    """

    list_endpoint = Endpoint(
        "GET",
        "monitor",
        "/v1/Alerts",
        Alert,
        {
            "log_level": query("LogLevel", choice(level.value for level in LogLevel)),
            "start_date": query("StartDate", instant),
            "end_date": query("EndDate", instant),
        },
        key="alerts",
    )
    follow_date_field = "date_generated"

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[AlertFilters],
    ) -> AsyncIterator[Alert]:
        """See ``Listing.stream``; ``filters`` are the ones above."""
        return self._stream(
            dict(filters),
            limit=limit,
            page_size=page_size,
            page_limit=page_limit,
            prefetch=prefetch,
            shards=shards,
        )

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[AlertFilters],
    ) -> builtins.list[Alert]:
        """See ``Listing.list``; ``filters`` are the ones above."""
        return await self._list(
            dict(filters),
            limit=limit,
            page_size=page_size,
            page_limit=page_limit,
            prefetch=prefetch,
            shards=shards,
        )

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_url: str | None = None,
        **filters: Unpack[AlertFilters],
    ) -> Page[Alert]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[AlertFilters],
    ) -> AsyncIterator[Page[Alert]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    def follow(
        self,
        *,
        since: DateLike | None = None,
        checkpoint: FollowCheckpoint | None = None,
        poll_interval: float = 10.0,
        lookback: timedelta = timedelta(minutes=5),
        max_polls: int | None = None,
        on_poll: Callable[[FollowCheckpoint], None] | None = None,
        **filters: Unpack[AlertFilters],
    ) -> AsyncIterator[Alert]:
        """See ``Following.follow``; ``filters`` are the ones above but the dates."""
        return self._follow(
            dict(filters),
            since=since,
            checkpoint=checkpoint,
            poll_interval=poll_interval,
            lookback=lookback,
            max_polls=max_polls,
            on_poll=on_poll,
        )

    fetch_endpoint = Endpoint(
        "GET", "monitor", "/v1/Alerts/{sid}", AlertInstance, {"sid": path(sid("NO"))}
    )


class EventFilters(TypedDict, total=False):
    """The filters of ``client.events`` lists (see ``Events``)."""

    actor_sid: str | None
    event_type: str | None
    resource_sid: str | None
    source_ip_address: str | None
    start_date: DateLike | None
    end_date: DateLike | None


class Events(Following[Event], Fetching[Event]):
    """``client.events``: the account's audit events, newest first.

    Filters: ``actor_sid`` (a US... user SID), ``event_type``, ``resource_sid`` (any SID),
    ``source_ip_address``, ``start_date`` and ``end_date`` (inclusive).
    """

    list_endpoint = Endpoint(
        "GET",
        "monitor",
        "/v1/Events",
        Event,
        {
            "actor_sid": query("ActorSid", sid("US")),
            "event_type": query("EventType", text()),
            "resource_sid": query("ResourceSid", sid()),
            "source_ip_address": query("SourceIpAddress", text()),
            "start_date": query("StartDate", instant),
            "end_date": query("EndDate", instant),
        },
        key="events",
    )
    follow_date_field = "event_date"

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[EventFilters],
    ) -> AsyncIterator[Event]:
        """See ``Listing.stream``; ``filters`` are the ones above."""
        return self._stream(
            dict(filters),
            limit=limit,
            page_size=page_size,
            page_limit=page_limit,
            prefetch=prefetch,
            shards=shards,
        )

    async def list(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[EventFilters],
    ) -> builtins.list[Event]:
        """See ``Listing.list``; ``filters`` are the ones above."""
        return await self._list(
            dict(filters),
            limit=limit,
            page_size=page_size,
            page_limit=page_limit,
            prefetch=prefetch,
            shards=shards,
        )

    async def page(
        self,
        *,
        page_size: int | None = None,
        page_url: str | None = None,
        **filters: Unpack[EventFilters],
    ) -> Page[Event]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[EventFilters],
    ) -> AsyncIterator[Page[Event]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    def follow(
        self,
        *,
        since: DateLike | None = None,
        checkpoint: FollowCheckpoint | None = None,
        poll_interval: float = 10.0,
        lookback: timedelta = timedelta(minutes=5),
        max_polls: int | None = None,
        on_poll: Callable[[FollowCheckpoint], None] | None = None,
        **filters: Unpack[EventFilters],
    ) -> AsyncIterator[Event]:
        """See ``Following.follow``; ``filters`` are the ones above but the dates."""
        return self._follow(
            dict(filters),
            since=since,
            checkpoint=checkpoint,
            poll_interval=poll_interval,
            lookback=lookback,
            max_polls=max_polls,
            on_poll=on_poll,
        )

    fetch_endpoint = Endpoint("GET", "monitor", "/v1/Events/{sid}", Event, {"sid": path(sid("AE"))})
