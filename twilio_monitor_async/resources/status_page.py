"""The Twilio status page (Atlassian Statuspage public v2 API), as declarations.

The status page is a public, unauthenticated site run by a third party: every endpoint here is
declared ``authenticated=False`` so the transport never attaches the client's Twilio
credentials to a request for it. Reads return typed records; the list endpoints' envelopes
(``{"page": ..., "components": [...]}``) are decoded by the converter and their items handed
back. Subscriber calls take form fields named ``subscriber[...]``, as Statuspage expects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, Literal

from .._endpoints import (
    Encoder,
    Endpoint,
    check,
    email,
    form,
    http_url,
    path,
    positive_integer,
    repeated,
    seconds,
    text,
)
from ..errors import ValidationError
from ..models.status_page import (
    Incident,
    ScheduledMaintenance,
    StatusComponent,
    StatusPageList,
    StatusRollup,
    StatusSummary,
    Subscriber,
    _Components,
    _Incidents,
    _Maintenances,
    _SubscriberDocument,
)
from ..watch import StatusChange, watch_status
from ._base import Resource

__all__ = ["StatusPage"]

#: Statuspage ids are short opaque strings; anything printable is passed on, quoted in paths.
_statuspage_id = text(max_length=64)


def _component_id(field: str, value: Any) -> str:
    """A component id, or a StatusComponent record (its id is sent)."""
    if isinstance(value, StatusComponent):
        if value.id is None:
            raise ValidationError(field, "the component has no id")
        value = value.id
    encoded = _statuspage_id(field, value)
    assert isinstance(encoded, str)
    return encoded


def _phone_country(field: str, value: Any) -> str:
    code = text(max_length=2)(field, value)
    assert isinstance(code, str)
    if len(code) != 2 or not code.isalpha():
        raise ValidationError(field, "must be a two-letter country code such as 'us'")
    return code.lower()


_component_ids: Encoder = repeated(_component_id)
_SUBSCRIBER_FIELDS = {
    "email": form("subscriber[email]", email),
    "phone_number": form("subscriber[phone_number]", text(max_length=32)),
    "phone_country": form("subscriber[phone_country]", _phone_country),
    "webhook_url": form("subscriber[endpoint]", http_url),
}


def _get(path_: str, record: type[Any]) -> Endpoint[Any]:
    return Endpoint("GET", "status", path_, record, authenticated=False)


MaintenanceWhich = Literal["all", "upcoming", "active"]


class StatusPage(Resource):
    """``client.status_page``: status.twilio.com's summary, components, incidents, maintenances
    and subscriptions. Needs no Twilio credentials and never sends them."""

    summary_endpoint: Endpoint[StatusSummary] = _get("/api/v2/summary.json", StatusSummary)
    status_endpoint: Endpoint[StatusRollup] = _get("/api/v2/status.json", StatusRollup)
    components_endpoint: Endpoint[_Components] = _get("/api/v2/components.json", _Components)
    incidents_endpoints: dict[bool, Endpoint[_Incidents]] = {
        False: _get("/api/v2/incidents.json", _Incidents),
        True: _get("/api/v2/incidents/unresolved.json", _Incidents),
    }
    maintenances_endpoints: dict[str, Endpoint[_Maintenances]] = {
        "all": _get("/api/v2/scheduled-maintenances.json", _Maintenances),
        "upcoming": _get("/api/v2/scheduled-maintenances/upcoming.json", _Maintenances),
        "active": _get("/api/v2/scheduled-maintenances/active.json", _Maintenances),
    }
    subscribe_endpoint: Endpoint[_SubscriberDocument] = Endpoint(
        "POST",
        "status",
        "/api/v2/subscribers.json",
        _SubscriberDocument,
        {
            **_SUBSCRIBER_FIELDS,
            "incident_id": form("subscriber[incident_id]", _statuspage_id),
            "component_ids": form("subscriber[component_ids][]", _component_ids),
        },
        authenticated=False,
    )
    update_subscriber_endpoint: Endpoint[_SubscriberDocument] = Endpoint(
        "PATCH",
        "status",
        "/api/v2/subscribers/{subscriber_id}.json",
        _SubscriberDocument,
        {
            "subscriber_id": path(_statuspage_id),
            "component_ids": form("subscriber[component_ids][]", _component_ids),
        },
        authenticated=False,
    )
    unsubscribe_endpoint: Endpoint[None] = Endpoint(
        "DELETE",
        "status",
        "/api/v2/subscribers/{subscriber_id}.json",
        None,
        {"subscriber_id": path(_statuspage_id)},
        authenticated=False,
    )
    # The path as Twilio's status page documents it (seed 004), outside /api/v2.
    resend_confirmation_endpoint: Endpoint[None] = Endpoint(
        "POST",
        "status",
        "/resend_confirmation/{subscriber_id}",
        None,
        {"subscriber_id": path(_statuspage_id)},
        authenticated=False,
    )

    # -- reading ------------------------------------------------------------------------------
    async def summary(self) -> StatusSummary:
        """The page, its overall status, every component, unresolved incidents and upcoming or
        in-progress maintenances, in one request."""
        return await self._call(self.summary_endpoint)

    async def status(self) -> StatusRollup:
        """The page's overall indicator and description (cheapest "is anything wrong?")."""
        return await self._call(self.status_endpoint)

    async def components(self) -> StatusPageList[StatusComponent]:
        """Every component and group, in page order (a list; ``.page`` is the page block)."""
        document = await self._call(self.components_endpoint)
        return StatusPageList(document.components, document.page)

    async def incidents(self, *, unresolved: bool = False) -> StatusPageList[Incident]:
        """The 50 most recent incidents, or (``unresolved=True``) only the open ones (a list;
        ``.page`` is the page block)."""
        if not isinstance(unresolved, bool):
            raise ValidationError("unresolved", "must be True or False")
        document = await self._call(self.incidents_endpoints[unresolved])
        return StatusPageList(document.incidents, document.page)

    async def scheduled_maintenances(
        self, which: MaintenanceWhich = "all"
    ) -> StatusPageList[ScheduledMaintenance]:
        """``"all"`` (the 50 most recent), ``"upcoming"`` (still scheduled) or ``"active"``
        (in progress or verifying); a list, with the page block as ``.page``."""
        endpoint = self.maintenances_endpoints.get(which) if isinstance(which, str) else None
        if endpoint is None:
            raise ValidationError("which", f"{which!r} is not one of all, upcoming, active")
        document = await self._call(endpoint)
        return StatusPageList(document.scheduled_maintenances, document.page)

    def watch(
        self, *, interval: float = 60.0, max_polls: int | None = None
    ) -> AsyncIterator[StatusChange]:
        """Changes on the page as they happen (indicator, components, incidents, maintenances).

        Polls the summary every ``interval`` seconds; the first poll is the baseline.
        """
        seconds()("interval", interval)
        check("max_polls", max_polls, positive_integer)
        return watch_status(self.summary, interval=float(interval), max_polls=max_polls)

    # -- subscribers --------------------------------------------------------------------------
    async def subscribe(
        self,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        phone_country: str | None = None,
        webhook_url: str | None = None,
        component_ids: Iterable[str | StatusComponent] | None = None,
    ) -> Subscriber:
        """Subscribe to the whole page, or only to ``component_ids`` (ids or records).

        One channel: ``email``; or SMS with ``phone_number`` (and ``phone_country``, default
        ``us`` at Statuspage); or a ``webhook_url`` (with an ``email`` to warn if it fails).
        """
        channel = _channel(email, phone_number, phone_country, webhook_url)
        document = await self._call(
            self.subscribe_endpoint, **channel, component_ids=_listed(component_ids)
        )
        return document.subscriber

    async def subscribe_to_incident(
        self,
        incident_id: str,
        *,
        email: str | None = None,
        phone_number: str | None = None,
        phone_country: str | None = None,
        webhook_url: str | None = None,
    ) -> Subscriber:
        """Follow one unresolved incident until it is resolved (channels as ``subscribe``)."""
        if incident_id is None:
            raise ValidationError("incident_id", "is required")
        channel = _channel(email, phone_number, phone_country, webhook_url)
        document = await self._call(self.subscribe_endpoint, **channel, incident_id=incident_id)
        return document.subscriber

    async def update_subscriber(
        self, subscriber_id: str, *, component_ids: Iterable[str | StatusComponent]
    ) -> Subscriber:
        """Replace the components a subscriber follows."""
        ids = _listed(component_ids)
        if not ids:
            raise ValidationError("component_ids", "must name at least one component")
        document = await self._call(
            self.update_subscriber_endpoint, subscriber_id=subscriber_id, component_ids=ids
        )
        return document.subscriber

    async def unsubscribe(self, subscriber_id: str) -> None:
        """Remove a subscription."""
        await self._call_no_content(self.unsubscribe_endpoint, subscriber_id=subscriber_id)

    async def resend_confirmation(self, subscriber_id: str) -> None:
        """Send an unconfirmed email subscriber its confirmation email again."""
        await self._call_no_content(self.resend_confirmation_endpoint, subscriber_id=subscriber_id)


def _listed(values: Iterable[Any] | None) -> list[Any] | None:
    if values is None:
        return None
    if isinstance(values, str | bytes | StatusComponent):
        raise ValidationError("component_ids", "must be a list of component ids")
    return list(values)


def _channel(
    email: str | None, phone_number: str | None, phone_country: str | None, webhook_url: str | None
) -> dict[str, str | None]:
    """The subscriber's one delivery channel, refused before the network when ambiguous."""
    if webhook_url is None and phone_number is None and email is None:
        raise ValidationError("email", "give email, phone_number (SMS) or webhook_url")
    if webhook_url is not None and phone_number is not None:
        raise ValidationError("phone_number", "a webhook subscriber has no phone number")
    if webhook_url is None and phone_number is not None and email is not None:
        raise ValidationError("email", "give email or phone_number, not both")
    if phone_country is not None and phone_number is None:
        raise ValidationError("phone_country", "is only for an SMS subscriber (phone_number)")
    return {
        "email": email,
        "phone_number": phone_number,
        "phone_country": phone_country,
        "webhook_url": webhook_url,
    }
