"""Declarations of the fake's routes, and the generic handlers that serve them.

A fake API is a list of declarations: ``ListRoute`` (a paged list with filters, in either paging
style), ``InstanceRoute`` (one record by id) and ``CustomRoute`` (anything stateful: create,
update, delete). ``wrap`` puts every route behind the same gate: request counting, injected
latency and faults, and the Basic-auth check.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import orjson
from aiohttp import web
from attrs import field, frozen

from ._store import Filter, Record

if TYPE_CHECKING:
    from ._server import FakeState, FaultPlan

__all__ = [
    "CustomRoute",
    "InstanceRoute",
    "ListRoute",
    "SeenRequest",
    "json_response",
    "twilio_error",
]

Handler = Callable[["FakeState", web.Request], Awaitable[web.StreamResponse]]
Scope = Callable[[web.Request], Callable[[Record], bool] | None]

_PAGING_PARAMS = frozenset({"PageSize", "Page", "PageToken"})
_JSON = "application/json"


@frozen
class SeenRequest:
    """One request as the fake received it (for tests that check what a client sent)."""

    method: str
    path_qs: str
    headers: Mapping[str, str] = field(repr=False)


@frozen
class ListRoute:
    """A paged list: ``GET path`` over ``state.collections[collection]``.

    ``filters`` maps wire query names to Match/Since/Until rules; ``style`` is ``meta``
    (Monitor/Events/Alarms: ``meta.next_page_url``) or ``uri`` (Api 2010: ``next_page_uri``);
    ``scope`` narrows the collection from the path (e.g. one call's notifications).
    """

    path: str
    collection: str
    key: str
    filters: Mapping[str, Filter] = field(factory=dict)
    style: Literal["meta", "uri"] = "meta"
    scope: Scope | None = None
    auth: bool = True
    default_page_size: int = 50


@frozen
class InstanceRoute:
    """``GET path`` answering one record of the collection by the path's ``id_param``."""

    path: str
    collection: str
    id_param: str = "Sid"
    scope: Scope | None = None
    auth: bool = True


@frozen
class CustomRoute:
    """Any other operation: ``handler(state, request)`` behind the same auth/fault gate."""

    method: str
    path: str
    handler: Handler
    auth: bool = True


FakeRoute = ListRoute | InstanceRoute | CustomRoute


def json_response(
    doc: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(body=orjson.dumps(doc), status=status, content_type=_JSON, headers=headers)


def twilio_error(status: int, code: int, message: str) -> web.Response:
    """An error body shaped like Twilio's: code, message, more_info, status."""
    return json_response(
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        status=status,
    )


def _bad_parameter(message: str) -> web.Response:
    return twilio_error(400, 20001, message)


def _not_found(request: web.Request) -> web.Response:
    return twilio_error(404, 20404, f"The requested resource {request.path} was not found")


def _origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _link(request: web.Request, query: list[tuple[str, str]], *, absolute: bool) -> str:
    path = request.path + "?" + urlencode(query)
    return _origin(request) + path if absolute else path


async def serve_list(route: ListRoute, state: FakeState, request: web.Request) -> web.Response:
    collection = state.collections[route.collection]
    query = request.query
    try:
        page_size = int(query.get("PageSize", route.default_page_size))
        page = int(query.get("Page", 0))
    except ValueError:
        return _bad_parameter("PageSize and Page must be integers")
    if not 1 <= page_size <= 1000:
        return _bad_parameter("PageSize must be between 1 and 1000")
    if page < 0:
        return _bad_parameter("Page must not be negative")
    values = {wire: query[wire] for wire in route.filters if wire in query}
    scope = route.scope(request) if route.scope else None
    token = query.get("PageToken")
    start, skip = 0, page * page_size
    if token is not None:
        after = collection.position_after(token[2:]) if token.startswith("PA") else None
        if after is None:
            return _bad_parameter(f"Invalid PageToken {token!r}")
        start, skip = after, 0
    try:
        positions, more = collection.select(
            route.filters, values, start=start, skip=skip, count=page_size, scope=scope
        )
    except ValueError as exc:
        return _bad_parameter(f"Invalid filter value: {exc}")
    kept = [(k, v) for k, v in query.items() if k not in _PAGING_PARAMS]
    absolute = route.style == "meta"
    this_page = _link(
        request,
        [*kept, ("PageSize", str(page_size)), ("Page", str(page))]
        + ([("PageToken", token)] if token else []),
        absolute=absolute,
    )
    first = _link(request, [*kept, ("PageSize", str(page_size)), ("Page", "0")], absolute=absolute)
    previous = (
        _link(
            request,
            [*kept, ("PageSize", str(page_size)), ("Page", str(page - 1))],
            absolute=absolute,
        )
        if page > 0
        else None
    )
    following = None
    if more and positions:
        last_id = collection.at(positions[-1])[collection.id_field]
        following = _link(
            request,
            [
                *kept,
                ("PageSize", str(page_size)),
                ("Page", str(page + 1)),
                ("PageToken", f"PA{last_id}"),
            ],
            absolute=absolute,
        )
    records = b"[" + b",".join(collection.rendered(positions)) + b"]"
    if route.style == "meta":
        meta = {
            "page": page,
            "page_size": page_size,
            "first_page_url": first,
            "previous_page_url": previous,
            "url": this_page,
            "next_page_url": following,
            "key": route.key,
        }
        body = (
            b'{"' + route.key.encode() + b'":' + records + b',"meta":' + orjson.dumps(meta) + b"}"
        )
    else:
        begin = page * page_size
        envelope = {
            "first_page_uri": first,
            "end": begin + max(len(positions) - 1, 0),
            "previous_page_uri": previous,
            "uri": this_page,
            "page_size": page_size,
            "start": begin,
            "next_page_uri": following,
            "page": page,
        }
        body = orjson.dumps(envelope)[:-1] + b',"' + route.key.encode() + b'":' + records + b"}"
    return web.Response(body=body, content_type=_JSON)


async def serve_instance(
    route: InstanceRoute, state: FakeState, request: web.Request
) -> web.Response:
    collection = state.collections[route.collection]
    record = collection.get(request.match_info[route.id_param])
    scope = route.scope(request) if route.scope else None
    if record is None or (scope is not None and not scope(record)):
        return _not_found(request)
    return json_response(record)


def _authorized(state: FakeState, request: web.Request) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return state.credentials.get(user) == password


def wrap(
    route: FakeRoute, state: FakeState
) -> tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]:
    """The route's method, path and its handler behind the fake's common gate."""
    inner: Handler
    if isinstance(route, ListRoute):
        method, inner = "GET", functools.partial(serve_list, route)
    elif isinstance(route, InstanceRoute):
        method, inner = "GET", functools.partial(serve_instance, route)
    else:
        method, inner = route.method, route.handler

    async def handle(request: web.Request) -> web.StreamResponse:
        stats = state.stats
        stats.requests += 1
        stats.recent.append(SeenRequest(request.method, request.path_qs, dict(request.headers)))
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        stats.peak_connections = max(stats.peak_connections, state.open_connections())
        try:
            plan = state.faults
            if plan.latency:
                await asyncio.sleep(plan.latency)
            fault = plan.roll()
            if fault is not None:
                stats.faults[fault] += 1
            response: web.StreamResponse | None = await _before_handler(fault, plan, request)
            if response is None:
                if route.auth and not _authorized(state, request):
                    stats.auth_failures += 1
                    response = twilio_error(401, 20003, "Authenticate")
                else:
                    response = await inner(state, request)
                response = await _after_handler(fault, request, response)
            stats.responses[response.status] += 1
            return response
        finally:
            stats.in_flight -= 1

    return method, route.path, handle


async def _before_handler(
    fault: str | None, plan: FaultPlan, request: web.Request
) -> web.Response | None:
    if fault is None:
        return None
    if fault == "429":
        response = twilio_error(429, 20429, "Too Many Requests")
        response.headers["Retry-After"] = f"{plan.retry_after:g}"
        return response
    if fault in ("500", "502", "503", "504"):
        return twilio_error(int(fault), 20500, "Internal Server Error (injected by the fake)")
    if fault == "slow":
        await asyncio.sleep(plan.slow_seconds)
    return None


async def _after_handler(
    fault: str | None, request: web.Request, response: web.StreamResponse
) -> web.StreamResponse:
    if fault not in ("drop", "truncate") or not isinstance(response, web.Response):
        return response
    body = response.body if isinstance(response.body, bytes) else b""
    cut = body[: max(1, len(body) // 2)]
    if fault == "truncate":  # a complete HTTP message whose JSON stops half-way
        return web.Response(body=cut, status=response.status, content_type=_JSON)
    # drop: promise the whole body, send half of it, then hang up
    stream = web.StreamResponse(status=response.status, headers={"Content-Type": _JSON})
    stream.content_length = len(body) + 1
    await stream.prepare(request)
    await stream.write(cut)
    if request.transport is not None:
        request.transport.close()
    return stream
