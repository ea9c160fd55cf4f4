"""Api 2010 Notifications (deprecated by Twilio, still served), as declarations.

One resource serves two collections that differ only by path: the account's notifications and
one call's (``for_call(call_sid)``, or ``call_sid=`` on a call). Both are declared;
``_request`` picks the call-scoped declaration when a call SID is given, so ``stream``/``list``/``page``/``pages``/``fetch`` and the paging
engine are the same ones every other list uses. The account SID in the path is filled in from
the client (``account_sid=`` on a call overrides it, e.g. for a subaccount).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypedDict

from typing_extensions import Unpack

from .._endpoints import Arg, Endpoint, coded, date_only, path, query, sid
from ..models.notifications import Notification, NotificationInstance, NotificationLog
from ..paging import Page
from ..sansio import Request
from ._base import DateLike, Fetching, Listing

__all__ = ["Notifications"]

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
    call_list_endpoint = _list(_CALL, call_sid=path(sid("CA")))
    call_fetch_endpoint = _fetch(_CALL, call_sid=path(sid("CA")))

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
        **filters: Unpack[NotificationFilters],
    ) -> builtins.list[Notification]:
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
        **filters: Unpack[NotificationFilters],
    ) -> Page[Notification]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

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
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    def _request(self, endpoint: Endpoint[Any], arguments: Mapping[str, Any]) -> Request:
        arguments = dict(arguments)
        call_sid = arguments.pop("call_sid", None)
        if call_sid is None:  # not `or`: a falsy value is still the caller's, to be refused
            call_sid = self._bound.get("call_sid")
        if call_sid is not None:
            if endpoint is self.list_endpoint:
                endpoint = self.call_list_endpoint
            elif endpoint is self.fetch_endpoint:
                endpoint = self.call_fetch_endpoint
            arguments["call_sid"] = call_sid
        return super()._request(endpoint, arguments)

    def for_call(self, call_sid: str) -> Notifications:
        """The notifications of one call (a CA... SID, checked when a request is made), with
        the same verbs: ``client.notifications.for_call(call_sid).list(...)``."""
        return Notifications(self._context, **self._bound, call_sid=call_sid)

    async def fetch(self, sid: str, *, call_sid: str | None = None) -> NotificationInstance:
        """The instance view of one notification (request variables, response body and headers).

        With ``call_sid`` it is read through the call's notifications.
        """
        return await self._call(self.fetch_endpoint, sid=sid, call_sid=call_sid)
