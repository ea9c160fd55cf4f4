"""The fake's Twilio status page: a Statuspage v2 public API over state a test can change.

This module holds the routes; the state a test changes (``FakeStatusPage``) is in
``_status_page_state`` and the seed data (Twilio's layout, a made-up history) in
``_status_page_seed``.

Reach it as ``fake.state.status_page``. The page is public: its routes skip the Basic-auth
check, and count requests that arrive with an Authorization header anyway
(``authorization_headers_seen``), so tests can prove credentials never go there.
"""

from __future__ import annotations

from typing import Any

from ..sansio import Response
from ._http import FakeRequest, no_content
from ._routes import CustomRoute, json_response
from ._state import ServerState
from ._status_page_seed import SIZES, seed
from ._status_page_state import ACTIVE_MAINTENANCE, UNRESOLVED, Doc, FakeStatusPage

__all__ = ["ROUTES", "SIZES", "seed"]


def _page(state: ServerState, request: FakeRequest) -> FakeStatusPage:
    page: FakeStatusPage = state.extra["status_page"]
    if "Authorization" in request.headers:
        page.authorization_headers_seen += 1
    return page


def _error(status: int, message: str) -> Response:
    return json_response({"error": message}, status=status)


async def _summary(state: ServerState, request: FakeRequest) -> Response:
    return json_response(_page(state, request).summary_document())


async def _status(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    return json_response({"page": page.page, "status": page.status_document()})


async def _components(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    return json_response({"page": page.page, "components": page.components})


def _incidents(unresolved: bool) -> Any:
    async def handler(state: ServerState, request: FakeRequest) -> Response:
        page = _page(state, request)
        chosen = [i for i in page.incidents if not unresolved or i["status"] in UNRESOLVED]
        return json_response({"page": page.page, "incidents": chosen[:50]})

    return handler


def _maintenances(statuses: tuple[str, ...] | None) -> Any:
    async def handler(state: ServerState, request: FakeRequest) -> Response:
        page = _page(state, request)
        chosen = [m for m in page.maintenances if statuses is None or m["status"] in statuses]
        return json_response({"page": page.page, "scheduled_maintenances": chosen[:50]})

    return handler


async def _subscribe(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    form = await request.post()
    field = {
        k[len("subscriber[") : -1]: v
        for k, v in form.items()
        if k.startswith("subscriber[") and isinstance(v, str)
    }
    email = field.get("email")
    phone = field.get("phone_number")
    endpoint = field.get("endpoint")
    if endpoint is not None:
        mode = "webhook"
    elif phone is not None:
        mode = "sms"
    elif email is not None:
        mode = "email"
    else:
        return _error(422, "Subscriber must have an email, a phone number or an endpoint")
    component_ids = [str(v) for v in form.getall("subscriber[component_ids][]", [])]
    unknown = [i for i in component_ids if all(c["id"] != i for c in page.components)]
    if unknown:
        return _error(422, f"Unknown component ids: {', '.join(unknown)}")
    incident_id = field.get("incident_id")
    if incident_id is not None:
        try:
            incident = page.incident(str(incident_id))
        except LookupError:
            return _error(404, f"No incident {incident_id}")
        if incident["status"] not in UNRESOLVED:
            return _error(422, "Incident subscriptions are only for unresolved incidents")
    now = page._tick()
    country = str(field.get("phone_country", "us")) if phone is not None else None
    subscriber: Doc = {
        "id": page.new_id(),
        "mode": mode,
        "email": email,
        "phone_number": phone,
        "phone_country": country,
        "display_phone_number": None if phone is None else f"+{phone}",
        "endpoint": endpoint,
        "incident_id": incident_id,
        "component_ids": component_ids,
        "skip_confirmation_notification": False,
        "quarantined_at": None,
        "purge_at": None,
        "created_at": now,
        "updated_at": now,
        "confirmations_sent": 1 if email is not None else 0,
    }
    page.subscribers[subscriber["id"]] = subscriber
    return json_response({"subscriber": subscriber}, status=201)


async def _update_subscriber(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    subscriber = page.subscribers.get(request.match_info["subscriber_id"])
    if subscriber is None:
        return _error(404, "Subscriber not found")
    form = await request.post()
    component_ids = [str(v) for v in form.getall("subscriber[component_ids][]", [])]
    unknown = [i for i in component_ids if all(c["id"] != i for c in page.components)]
    if unknown:
        return _error(422, f"Unknown component ids: {', '.join(unknown)}")
    subscriber["component_ids"] = component_ids
    subscriber["updated_at"] = page._tick()
    return json_response({"subscriber": subscriber})


async def _unsubscribe(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    subscriber = page.subscribers.pop(request.match_info["subscriber_id"], None)
    if subscriber is None:
        return _error(404, "Subscriber not found")
    return json_response({"subscriber": subscriber})


async def _resend(state: ServerState, request: FakeRequest) -> Response:
    page = _page(state, request)
    subscriber = page.subscribers.get(request.match_info["subscriber_id"])
    if subscriber is None:
        return _error(404, "Subscriber not found")
    subscriber["confirmations_sent"] += 1
    return no_content()


ROUTES = (
    CustomRoute("GET", "/api/v2/summary.json", _summary, auth=False),
    CustomRoute("GET", "/api/v2/status.json", _status, auth=False),
    CustomRoute("GET", "/api/v2/components.json", _components, auth=False),
    CustomRoute("GET", "/api/v2/incidents.json", _incidents(False), auth=False),
    CustomRoute("GET", "/api/v2/incidents/unresolved.json", _incidents(True), auth=False),
    CustomRoute("GET", "/api/v2/scheduled-maintenances.json", _maintenances(None), auth=False),
    CustomRoute(
        "GET",
        "/api/v2/scheduled-maintenances/upcoming.json",
        _maintenances(("scheduled",)),
        auth=False,
    ),
    CustomRoute(
        "GET",
        "/api/v2/scheduled-maintenances/active.json",
        _maintenances(ACTIVE_MAINTENANCE),
        auth=False,
    ),
    CustomRoute("POST", "/api/v2/subscribers.json", _subscribe, auth=False),
    CustomRoute(
        "PATCH", "/api/v2/subscribers/{subscriber_id}.json", _update_subscriber, auth=False
    ),
    CustomRoute("DELETE", "/api/v2/subscribers/{subscriber_id}.json", _unsubscribe, auth=False),
    CustomRoute("POST", "/resend_confirmation/{subscriber_id}", _resend, auth=False),
)
