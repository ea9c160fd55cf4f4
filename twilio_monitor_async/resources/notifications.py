"""Api 2010 Notifications (deprecated by Twilio, still served), as declarations.

Two collections differ only by path: the account's notifications (``client.notifications``)
and one call's (``client.notifications.for_call(call_sid)``, a ``CallNotifications`` bound to
the call like ``client.schemas.versions(schema_id)`` is bound to its schema). Each declares its
own endpoints; ``call_sid=`` on the account's verbs is kept as a shorthand that hands the call
to ``for_call``. The account SID in the path is filled in from the client (``account_sid=`` on a
call overrides it, e.g. for a subaccount).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypedDict

from typing_extensions import Unpack

from .._endpoints import Arg, Endpoint, coded, date_only, path, query, sid
from ..models.notifications import Notification, NotificationInstance, NotificationLog
from ..paging import Page
from ._base import DateLike, Fetching, Listing

__all__ = ["CallNotifications", "Notifications"]

_ACCOUNT = "/2010-04-01/Accounts/{account_sid}"
_CALL = _ACCOUNT + "/Calls/{call_sid}"

_FILTERS: dict[str, Arg] = {
    "account_sid": path(sid("AC")),
    "log": query("Log", coded(NotificationLog)),
    # Api 2010 spells its inequality filters into the parameter name; they are inclusive days.
    "message_date": query("MessageDate", date_only),
    "message_date_before": query("MessageDate<", date_only),
    "message_date_after": query("MessageDate>", date_only),
}


def _list(prefix: str, **scope: Arg) -> Endpoint[Notification]:
    return Endpoint(
        "GET",
        "api",
        prefix + "/Notifications.json",
        Notification,
        {**_FILTERS, **scope},
        key="notifications",
    )


def _fetch(prefix: str, **scope: Arg) -> Endpoint[NotificationInstance]:
    return Endpoint(
        "GET",
        "api",
        prefix + "/Notifications/{sid}.json",
        NotificationInstance,
        {"account_sid": path(sid("AC")), **scope, "sid": path(sid("NO"))},
    )


class NotificationFilters(TypedDict, total=False):
    """The filters of ``client.notifications`` lists (see ``Notifications``)."""

    log: NotificationLog | int | str | None
    message_date: DateLike | None
    message_date_before: DateLike | None
    message_date_after: DateLike | None
    #: Only this call's notifications (prefer ``client.notifications.for_call(call_sid)``).
    call_sid: str | None
    #: Another account's (a subaccount's) notifications; the client's account by default.
    account_sid: str | None


class Notifications(Listing[Notification], Fetching[NotificationInstance]):
    """``client.notifications``: the legacy debugger log, newest first.

    Filters: ``log`` (0 or ``"error"``, 1 or ``"warning"``, or a NotificationLog),
    ``message_date`` (that day), ``message_date_before`` / ``message_date_after`` (on or
    before / on or after that day; a date, a datetime or ``YYYY-MM-DD``), and ``call_sid`` (a
    CA... SID: only that call's notifications).
    """

    list_endpoint = _list(_ACCOUNT)
    fetch_endpoint = _fetch(_ACCOUNT)

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[NotificationFilters],
    ) -> AsyncIterator[Notification]:
        """See ``Listing.stream``; ``filters`` are the ones above."""
        listing, rest = self._scoped(filters)
        return listing._stream(
            rest,
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
        **filters: Unpack[NotificationFilters],
    ) -> builtins.list[Notification]:
        """See ``Listing.list``; ``filters`` are the ones above."""
        listing, rest = self._scoped(filters)
        return await listing._list(
            rest,
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
        **filters: Unpack[NotificationFilters],
    ) -> Page[Notification]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        listing, rest = self._scoped(filters)
        return await listing._page(rest, page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[NotificationFilters],
    ) -> AsyncIterator[Page[Notification]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        listing, rest = self._scoped(filters)
        return listing._pages(
            rest,
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    def _scoped(self, filters: Mapping[str, Any]) -> tuple[Notifications, dict[str, Any]]:
        """The listing a call's ``call_sid=`` filter stands for (its ``for_call``), and the rest."""
        rest = dict(filters)
        call_sid = rest.pop("call_sid", None)
        # `is None`, not falsy: an empty call_sid is the caller's, for the declaration to refuse.
        return (self, rest) if call_sid is None else (self.for_call(call_sid), rest)

    def for_call(self, call_sid: str) -> CallNotifications:
        """The notifications of one call (a CA... SID, checked when a request is made), with
        the same verbs: ``client.notifications.for_call(call_sid).list(...)``."""
        return CallNotifications(self._context, **{**self._bound, "call_sid": call_sid})

    async def fetch(self, sid: str, *, call_sid: str | None = None) -> NotificationInstance:
        """The instance view of one notification (request variables, response body and headers).

        With ``call_sid`` it is read through the call's notifications (``for_call``).
        """
        listing = self if call_sid is None else self.for_call(call_sid)
        return await listing._call(listing.fetch_endpoint, sid=sid)


class CallNotifications(Notifications):
    """``client.notifications.for_call(call_sid)``: one call's notifications, newest first, with
    the filters and verbs of ``client.notifications``."""

    list_endpoint = _list(_CALL, call_sid=path(sid("CA")))
    fetch_endpoint = _fetch(_CALL, call_sid=path(sid("CA")))
