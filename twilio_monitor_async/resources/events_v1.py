"""Events v1 (``client.event_types``, ``schemas``, ``sinks``, ``subscriptions``), as declarations.

The Events API is form-encoded like the rest of Twilio's REST APIs, with two JSON-in-a-form
values: ``SinkConfiguration`` is one JSON string, and ``Types`` is the key repeated with one JSON
object each (checked by ``event_type_refs`` below, so a typo in a key or a version that is not
a positive integer is refused before the request, with its index named). Sub-resources (a
schema's versions, a subscription's subscribed events) are the same classes bound to their
parent's id.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any, TypedDict

import orjson
from typing_extensions import Unpack

from .._endpoints import (
    Endpoint,
    boolean,
    choice,
    form,
    integer,
    json_text,
    path,
    positive_integer,
    query,
    sid,
    text,
)
from ..errors import ValidationError
from ..models.events_v1 import (
    EventType,
    Schema,
    SchemaVersion,
    Sink,
    SinkResult,
    SinkStatus,
    SinkType,
    SubscribedEvent,
    Subscription,
)
from ..paging import Page
from ._base import Fetching, Listing

__all__ = ["EventTypes", "SchemaVersions", "Schemas", "Sinks", "SubscribedEvents", "Subscriptions"]

_SINK = path(sid("DG"))
_SUBSCRIPTION = path(sid("DF"))
_NAME = path(text())
_VERSION = integer(minimum=1)
_DESCRIPTION = text()
_EVENT_TYPE_REF_KEYS = frozenset({"type", "schema_version"})


def _event_type_ref(field: str, item: Any) -> str:
    if not isinstance(item, Mapping):
        raise ValidationError(
            field, f'must be a mapping like {{"type": ..., "schema_version": ...}}, got {item!r}'
        )
    unknown = set(item) - _EVENT_TYPE_REF_KEYS
    if unknown:
        raise ValidationError(
            field, f"has unknown keys {sorted(unknown)} (known: type, schema_version)"
        )
    event_type = item.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise ValidationError(field, "needs a non-empty 'type'")
    doc: dict[str, Any] = {"type": event_type}
    version = item.get("schema_version")
    if version is not None:
        try:
            positive_integer("schema_version", version)
        except ValidationError as refusal:  # the item is what the caller wrote: name it
            raise ValidationError(field, f"'schema_version' {refusal.reason}") from None
        doc["schema_version"] = version
    return orjson.dumps(doc).decode()


def event_type_refs(field: str, value: Any) -> list[str]:
    """At least one event type reference, each sent as its own ``Types`` JSON object."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(field, "must be a list of {'type': ..., 'schema_version': ...}")
    items = list(value)
    if not items:
        raise ValidationError(field, "must name at least one event type")
    return [_event_type_ref(f"{field}[{index}]", item) for index, item in enumerate(items)]


class EventTypeFilters(TypedDict, total=False):
    """The filters of ``client.event_types`` lists."""

    schema_id: str | None


class EventTypes(Listing[EventType], Fetching[EventType]):
    """``client.event_types``: the event types a subscription can select.

    Filter: ``schema_id``. ``fetch(type)`` takes the type's name.
    """

    list_endpoint = Endpoint(
        "GET",
        "events",
        "/v1/Types",
        EventType,
        {"schema_id": query("SchemaId", text())},
        key="types",
    )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[EventTypeFilters],
    ) -> AsyncIterator[EventType]:
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
        **filters: Unpack[EventTypeFilters],
    ) -> builtins.list[EventType]:
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
        **filters: Unpack[EventTypeFilters],
    ) -> Page[EventType]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[EventTypeFilters],
    ) -> AsyncIterator[Page[EventType]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    fetch_endpoint = Endpoint("GET", "events", "/v1/Types/{type}", EventType, {"type": _NAME})


class SchemaVersions(Listing[SchemaVersion]):
    """``client.schemas.versions(schema_id)``: the numbered versions of one schema."""

    list_endpoint = Endpoint(
        "GET",
        "events",
        "/v1/Schemas/{schema_id}/Versions",
        SchemaVersion,
        {"schema_id": _NAME},
        key="schema_versions",
    )
    fetch_endpoint = Endpoint(
        "GET",
        "events",
        "/v1/Schemas/{schema_id}/Versions/{version}",
        SchemaVersion,
        {"schema_id": _NAME, "version": path(_VERSION)},
    )

    async def fetch(self, version: int) -> SchemaVersion:
        """One version (an integer from 1) of the schema."""
        return await self._call(self.fetch_endpoint, version=version)


class Schemas(Fetching[Schema]):
    """``client.schemas``: ``fetch(schema_id)``, and ``versions(schema_id)`` for its versions."""

    fetch_endpoint = Endpoint(
        "GET", "events", "/v1/Schemas/{schema_id}", Schema, {"schema_id": _NAME}
    )

    def versions(self, schema_id: str) -> SchemaVersions:
        """The versions of ``schema_id`` (checked when a request is made)."""
        return SchemaVersions(self._context, schema_id=schema_id)


class SinkFilters(TypedDict, total=False):
    """The filters of ``client.sinks`` lists."""

    in_use: bool | None
    status: SinkStatus | str | None


class Sinks(Listing[Sink], Fetching[Sink]):
    """``client.sinks``: destinations for streamed events.

    Filters: ``in_use`` (bool: used by a subscription or not) and ``status`` (``initialized``,
    ``validating``, ``active``, ``failed``).
    """

    list_endpoint = Endpoint(
        "GET",
        "events",
        "/v1/Sinks",
        Sink,
        {
            "in_use": query("InUse", boolean),
            "status": query("Status", choice(status.value for status in SinkStatus)),
        },
        key="sinks",
    )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[SinkFilters],
    ) -> AsyncIterator[Sink]:
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
        **filters: Unpack[SinkFilters],
    ) -> builtins.list[Sink]:
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
        **filters: Unpack[SinkFilters],
    ) -> Page[Sink]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[SinkFilters],
    ) -> AsyncIterator[Page[Sink]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    fetch_endpoint = Endpoint("GET", "events", "/v1/Sinks/{sid}", Sink, {"sid": _SINK})
    create_endpoint = Endpoint(
        "POST",
        "events",
        "/v1/Sinks",
        Sink,
        {
            "description": form("Description", _DESCRIPTION, required=True),
            "sink_configuration": form("SinkConfiguration", json_text, required=True),
            "sink_type": form("SinkType", choice(kind.value for kind in SinkType), required=True),
        },
    )
    update_endpoint = Endpoint(
        "POST",
        "events",
        "/v1/Sinks/{sid}",
        Sink,
        {"sid": _SINK, "description": form("Description", _DESCRIPTION, required=True)},
    )
    delete_endpoint: Endpoint[None] = Endpoint(
        "DELETE", "events", "/v1/Sinks/{sid}", None, {"sid": _SINK}
    )
    test_endpoint = Endpoint("POST", "events", "/v1/Sinks/{sid}/Test", SinkResult, {"sid": _SINK})
    validate_endpoint = Endpoint(
        "POST",
        "events",
        "/v1/Sinks/{sid}/Validate",
        SinkResult,
        {"sid": _SINK, "test_id": form("TestId", text(), required=True)},
    )

    async def create(
        self, description: str, sink_configuration: Mapping[str, Any], sink_type: SinkType | str
    ) -> Sink:
        """Create a sink. ``sink_configuration`` is sent as one JSON string, e.g. for Kinesis
        ``{"arn": ..., "role_arn": ..., "external_id": ...}``, for a webhook
        ``{"destination": ..., "method": "POST", "batch_events": False}``."""
        return await self._call(
            self.create_endpoint,
            description=description,
            sink_configuration=sink_configuration,
            sink_type=sink_type,
        )

    async def update(self, sid: str, description: str) -> Sink:
        """Change the sink's description (the only thing the API lets change)."""
        return await self._call(self.update_endpoint, sid=sid, description=description)

    async def delete(self, sid: str) -> None:
        await self._call_no_content(self.delete_endpoint, sid=sid)

    async def test(self, sid: str) -> SinkResult:
        """Ask Twilio to send a test event to the sink (the event carries a test id)."""
        return await self._call(self.test_endpoint, sid=sid)

    async def validate(self, sid: str, test_id: str) -> SinkResult:
        """Confirm the test event arrived by sending back its ``test_id``; activates the sink."""
        return await self._call(self.validate_endpoint, sid=sid, test_id=test_id)


class SubscribedEvents(Listing[SubscribedEvent], Fetching[SubscribedEvent]):
    """``client.subscriptions.subscribed_events(subscription_sid)``: one subscription's types.

    ``fetch``, ``update`` and ``delete`` take the event type's name.
    """

    _base = "/v1/Subscriptions/{subscription_sid}/SubscribedEvents"
    list_endpoint = Endpoint(
        "GET", "events", _base, SubscribedEvent, {"subscription_sid": _SUBSCRIPTION}, key="types"
    )
    fetch_endpoint = Endpoint(
        "GET",
        "events",
        _base + "/{type}",
        SubscribedEvent,
        {"subscription_sid": _SUBSCRIPTION, "type": _NAME},
    )
    create_endpoint = Endpoint(
        "POST",
        "events",
        _base,
        SubscribedEvent,
        {
            "subscription_sid": _SUBSCRIPTION,
            "type": form("Type", text(), required=True),
            "schema_version": form("SchemaVersion", _VERSION),
        },
    )
    update_endpoint = Endpoint(
        "POST",
        "events",
        _base + "/{type}",
        SubscribedEvent,
        {
            "subscription_sid": _SUBSCRIPTION,
            "type": _NAME,
            "schema_version": form("SchemaVersion", _VERSION, required=True),
        },
    )
    delete_endpoint: Endpoint[None] = Endpoint(
        "DELETE",
        "events",
        _base + "/{type}",
        None,
        {"subscription_sid": _SUBSCRIPTION, "type": _NAME},
    )

    async def create(self, type: str, schema_version: int | None = None) -> SubscribedEvent:
        """Add an event type to the subscription (its schema's latest version when None)."""
        return await self._call(self.create_endpoint, type=type, schema_version=schema_version)

    async def update(self, type: str, schema_version: int) -> SubscribedEvent:
        """Move the event type to another schema version."""
        return await self._call(self.update_endpoint, type=type, schema_version=schema_version)

    async def delete(self, type: str) -> None:
        """Remove the event type from the subscription."""
        await self._call_no_content(self.delete_endpoint, type=type)


class SubscriptionFilters(TypedDict, total=False):
    """The filters of ``client.subscriptions`` lists."""

    sink_sid: str | None


class Subscriptions(Listing[Subscription], Fetching[Subscription]):
    """``client.subscriptions``: which event types go to which sink.

    Filter: ``sink_sid``. ``subscribed_events(sid)`` manages one subscription's event types.
    """

    list_endpoint = Endpoint(
        "GET",
        "events",
        "/v1/Subscriptions",
        Subscription,
        {"sink_sid": query("SinkSid", sid("DG"))},
        key="subscriptions",
    )

    def stream(
        self,
        *,
        limit: int | None = None,
        page_size: int | None = None,
        page_limit: int | None = None,
        prefetch: bool = True,
        shards: int | None = None,
        **filters: Unpack[SubscriptionFilters],
    ) -> AsyncIterator[Subscription]:
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
        **filters: Unpack[SubscriptionFilters],
    ) -> builtins.list[Subscription]:
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
        **filters: Unpack[SubscriptionFilters],
    ) -> Page[Subscription]:
        """See ``Listing.page``; ``filters`` are the ones above."""
        return await self._page(dict(filters), page_size=page_size, page_url=page_url)

    def pages(
        self,
        *,
        page_size: int | None = None,
        page_limit: int | None = None,
        page_url: str | None = None,
        prefetch: bool = True,
        **filters: Unpack[SubscriptionFilters],
    ) -> AsyncIterator[Page[Subscription]]:
        """See ``Listing.pages``; ``filters`` are the ones above."""
        return self._pages(
            dict(filters),
            page_size=page_size,
            page_limit=page_limit,
            page_url=page_url,
            prefetch=prefetch,
        )

    fetch_endpoint = Endpoint(
        "GET", "events", "/v1/Subscriptions/{sid}", Subscription, {"sid": _SUBSCRIPTION}
    )
    create_endpoint = Endpoint(
        "POST",
        "events",
        "/v1/Subscriptions",
        Subscription,
        {
            "description": form("Description", _DESCRIPTION, required=True),
            "sink_sid": form("SinkSid", sid("DG"), required=True),
            "types": form("Types", event_type_refs, required=True),
        },
    )
    update_endpoint = Endpoint(
        "POST",
        "events",
        "/v1/Subscriptions/{sid}",
        Subscription,
        {"sid": _SUBSCRIPTION, "description": form("Description", _DESCRIPTION)},
    )
    delete_endpoint: Endpoint[None] = Endpoint(
        "DELETE", "events", "/v1/Subscriptions/{sid}", None, {"sid": _SUBSCRIPTION}
    )

    async def create(
        self, description: str, sink_sid: str, types: Iterable[Mapping[str, Any]]
    ) -> Subscription:
        """Subscribe ``sink_sid`` (an active sink) to ``types``: a list of
        ``{"type": "com.twilio...", "schema_version": 1}`` (``schema_version`` optional)."""
        return await self._call(
            self.create_endpoint, description=description, sink_sid=sink_sid, types=types
        )

    async def update(self, sid: str, description: str | None = None) -> Subscription:
        """Change the subscription's description.

        The Events v1 OpenAPI document takes only ``Description`` here (older versions of the
        API also took ``SinkSid``; the spec wins).
        """
        return await self._call(self.update_endpoint, sid=sid, description=description)

    async def delete(self, sid: str) -> None:
        await self._call_no_content(self.delete_endpoint, sid=sid)

    def subscribed_events(self, subscription_sid: str) -> SubscribedEvents:
        """The event types of one subscription (the SID is checked when a request is made)."""
        return SubscribedEvents(self._context, subscription_sid=subscription_sid)
