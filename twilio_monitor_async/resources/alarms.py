"""Monitor v2 Alarms (``client.alarms``), as declarations.

Two things are particular to Alarms and are why the verbs here are a few lines rather than one:
``create`` carries an ``Idempotency-Token`` (made once per call, so every retry of the call sends
the same token and the service cannot create the alarm twice), and a 409 from ``create`` is the
account's 100-alarm limit, declared on the endpoint as its own ``AlarmLimitError``.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import AsyncIterator
from typing import TypedDict

from typing_extensions import Unpack

from .._endpoints import (
    Arg,
    Endpoint,
    choice,
    header,
    json_body,
    json_boolean,
    path,
    query,
    sid,
    text,
)
from ..errors import AlarmLimitError
from ..models.alarms import Alarm, AlarmConfig, AlarmSid, SortOrder, alarm_config
from ..paging import Page
from ._base import Fetching, Listing

__all__ = ["Alarms"]

_SID = path(sid("AK"))
_PATH = "/v2/Alarms/{sid}"


class AlarmFilters(TypedDict, total=False):
    """The filters of ``client.alarms`` lists."""

    sort_order: SortOrder | str | None


class Alarms(Listing[Alarm], Fetching[Alarm]):
    """``client.alarms``: alarms on the account's alert counts (Monitor v2, private beta).

    ``list``/``stream``/``page`` take ``sort_order`` (``"asc"`` or ``"desc"``).
    """

    list_endpoint = Endpoint(
        "GET",
        "monitor",
        "/v2/Alarms",
        Alarm,
        {"sort_order": query("SortOrder", choice(order.value for order in SortOrder))},
        key="alarms",
    )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[AlarmFilters],
    ) -> AsyncIterator[Alarm]:
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
        **filters: Unpack[AlarmFilters],
    ) -> builtins.list[Alarm]:
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
        **filters: Unpack[AlarmFilters],
    ) -> Page[Alarm]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[AlarmFilters],
    ) -> AsyncIterator[Page[Alarm]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    fetch_endpoint = Endpoint("GET", "monitor", _PATH, Alarm, {"sid": _SID})
    create_endpoint = Endpoint(
        "POST",
        "monitor",
        "/v2/Alarms",
        AlarmSid,
        {
            "config": json_body(alarm_config),
            "idempotency_token": header("Idempotency-Token", text(max_length=255), required=True),
        },
        errors={409: AlarmLimitError},
    )
    update_endpoint = Endpoint(
        "PUT", "monitor", _PATH, AlarmSid, {"sid": _SID, "config": json_body(alarm_config)}
    )
    delete_endpoint: Endpoint[None] = Endpoint("DELETE", "monitor", _PATH, None, {"sid": _SID})
    status_endpoint: Endpoint[None] = Endpoint(
        "PUT",
        "monitor",
        _PATH + "/status",
        None,
        {"sid": _SID, "enabled": Arg("json", json_boolean, "enabled", required=True)},
    )

    async def create(self, config: AlarmConfig, idempotency_token: str | None = None) -> str:
        """Create an alarm and return its SID.

        ``idempotency_token`` defaults to a fresh UUID4. It is fixed for the whole call, so a
        create retried after a dropped connection returns the same alarm instead of a second
        one; pass your own to make a create safe to repeat across calls too. Raises
        ``AlarmLimitError`` when the account already has its 100 alarms.
        """
        token = str(uuid.uuid4()) if idempotency_token is None else idempotency_token
        created = await self._call(self.create_endpoint, config=config, idempotency_token=token)
        return created.sid

    async def update(self, sid: str, config: AlarmConfig) -> str:
        """Replace the alarm's whole configuration (PUT); returns the alarm's SID."""
        updated = await self._call(self.update_endpoint, sid=sid, config=config)
        return updated.sid

    async def delete(self, sid: str) -> None:
        """Delete the alarm."""
        await self._call_no_content(self.delete_endpoint, sid=sid)

    async def set_enabled(self, sid: str, enabled: bool) -> None:
        """Enable or disable the alarm without resending its configuration."""
        await self._call_no_content(self.status_endpoint, sid=sid, enabled=enabled)
