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
import re
import urllib.parse
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Literal
from urllib.parse import urlencode

import orjson
from attrs import evolve, field, frozen
from multidict import CIMultiDict
from yarl import URL

from ..sansio import Request, Response
from ._http import FakeRequest, json_response, twilio_error
from ._state import FaultPlan, SeenRequest, ServerState
from ._store import Filter, Record

__all__ = [
    "CustomRoute",
    "Dropped",
    "FakeApp",
    "InstanceRoute",
    "ListRoute",
    "SeenRequest",
    "Streamed",
    "json_response",
    "twilio_error",
]

Handler = Callable[[ServerState, FakeRequest], Awaitable[Response]]
Scope = Callable[[ServerState, FakeRequest], Callable[[Record], bool] | None]

_PAGING_PARAMS = frozenset({"PageSize", "Page", "PageToken"})
_JSON = "application/json"


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
    """Any other operation: ``handler(state, request)`` behind the same auth/fault gate.

    ``request`` is a ``FakeRequest``; the handler answers a library ``Response`` (see
    ``json_response``, ``twilio_error``, ``no_content``).
    """

    method: str
    path: str
    handler: Handler
    auth: bool = True


FakeRoute = ListRoute | InstanceRoute | CustomRoute


def _bad_parameter(message: str) -> Response:
    return twilio_error(400, 20001, message)


def _not_found(request: FakeRequest) -> Response:
    return twilio_error(404, 20404, f"The requested resource {request.path} was not found")


def _link(request: FakeRequest, query: list[tuple[str, str]], *, absolute: bool) -> str:
    path = request.path + "?" + urlencode(query)
    return request.origin + path if absolute else path


async def serve_list(route: ListRoute, state: ServerState, request: FakeRequest) -> Response:
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
    scope = route.scope(state, request) if route.scope else None
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
    return Response(200, CIMultiDict({"Content-Type": _JSON}), body, "")


async def serve_instance(
    route: InstanceRoute, state: ServerState, request: FakeRequest
) -> Response:
    collection = state.collections[route.collection]
    record = collection.get(request.match_info[route.id_param])
    scope = route.scope(state, request) if route.scope else None
    if record is None or (scope is not None and not scope(record)):
        return _not_found(request)
    return json_response(record)


def _authorized(state: ServerState, request: FakeRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return state.credentials.get(user) == password


@frozen
class Dropped:
    """The ``drop`` fault: the response promised ``response.body`` but only ``sent`` went out
    before the connection was closed. Each server shape plays it out its own way."""

    response: Response
    sent: bytes


@frozen
class Streamed:
    """A body played out chunk by chunk, too big (or endless) to hold: the ``oversized``,
    ``endless`` and ``bomb`` faults. ``chunks()`` gives a fresh async iterator of the body as
    sent (compressed for a bomb); a declared length is in ``headers`` as Content-Length."""

    status: int
    headers: Mapping[str, str]
    chunks: Callable[[], AsyncIterator[bytes]]


#: What the fake answers: a response, a connection dropped half-way through one, or a body
#: streamed out piece by piece.
Served = Response | Dropped | Streamed


def _pattern(path: str) -> re.Pattern[str]:
    """``/v1/Alerts/{Sid}`` as a regex with a named group per ``{name}``."""
    parts = re.split(r"\{(\w+)\}", path)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>[^{{}}/]+)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex + "$")


class FakeApp:
    """Every route of the fake behind one gate: routing, counting, latency, faults, auth.

    ``handle`` takes the library's own ``Request`` and answers the library's ``Response`` (or
    ``Dropped``): the aiohttp server and the in-process ``FakeTransport`` both call it.
    """

    def __init__(self, state: ServerState, routes: Iterable[FakeRoute]) -> None:
        self.state = state
        self._routes: list[tuple[str, re.Pattern[str], FakeRoute, Handler]] = []
        for route in routes:
            method, handler = _handler_of(route)
            self._routes.append((method, _pattern(route.path), route, handler))

    def _match(self, method: str, path: str) -> tuple[FakeRoute, Handler, dict[str, str]] | int:
        allowed = False
        for route_method, pattern, route, handler in self._routes:
            found = pattern.match(path)
            if found is None:
                continue
            if route_method == method:
                values = {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}
                return route, handler, values
            allowed = True
        return 405 if allowed else 404

    async def handle(self, request: Request) -> Served:
        state = self.state
        stats = state.stats
        incoming = FakeRequest(request)
        stats.requests += 1
        stats.recent.append(SeenRequest(request.method, incoming.path_qs, dict(incoming.headers)))
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        stats.peak_connections = max(stats.peak_connections, state.open_connections())
        try:
            served = await self._serve(request, incoming)
            stats.responses[0 if isinstance(served, Dropped) else served.status] += 1
            return served
        finally:
            stats.in_flight -= 1

    async def _serve(self, request: Request, incoming: FakeRequest) -> Served:
        state = self.state
        matched = self._match(request.method, incoming.path)
        if isinstance(matched, int):
            text = "404: Not Found" if matched == 404 else "405: Method Not Allowed"
            return Response(matched, CIMultiDict({"Content-Type": "text/plain"}), text.encode(), "")
        route, inner, match_info = matched
        incoming = FakeRequest(request, match_info)
        plan = state.faults
        if plan.latency:
            await asyncio.sleep(plan.latency)
        fault = plan.roll()
        if fault is not None:
            state.stats.faults[fault] += 1
        early = await _before_handler(fault, plan, incoming)
        if early is not None:
            return early
        if route.auth and not _authorized(state, incoming):
            state.stats.auth_failures += 1
            response = twilio_error(401, 20003, "Authenticate")
        else:
            response = await inner(state, incoming)
        if isinstance(route, ListRoute) and fault in _LIST_FAULTS and response.status == 200:
            response = _hostile_page(fault, route, plan, incoming, response)
        return _after_handler(fault, response)


def _handler_of(route: FakeRoute) -> tuple[str, Handler]:
    if isinstance(route, ListRoute):
        return "GET", functools.partial(serve_list, route)
    if isinstance(route, InstanceRoute):
        return "GET", functools.partial(serve_instance, route)
    return route.method, route.handler


async def _before_handler(
    fault: str | None, plan: FaultPlan, incoming: FakeRequest
) -> Served | None:
    if fault is None:
        return None
    if fault in ("429", "huge-retry-after"):
        response = twilio_error(429, 20429, "Too Many Requests")
        headers = CIMultiDict(response.headers)
        headers["Retry-After"] = (
            f"{plan.retry_after:g}" if fault == "429" else plan.hostile_retry_after
        )
        return evolve(response, headers=headers)
    if fault in _BODY_FAULTS:
        return _hostile_body(fault, plan)
    if fault == "echo-credentials":
        sent = incoming.headers.get("Authorization", "")
        try:
            decoded = base64.b64decode(sent.partition(" ")[2]).decode("latin1")
        except (binascii.Error, ValueError):
            decoded = ""
        message = f"Bad request. You sent Authorization: {sent} ({decoded})"
        return twilio_error(400, 20001, message)
    if fault in ("500", "502", "503", "504"):
        return twilio_error(int(fault), 20500, "Internal Server Error (injected by the fake)")
    if fault == "slow":
        await asyncio.sleep(plan.slow_seconds)
    return None


_BODY_FAULTS = frozenset({"oversized", "endless", "bomb"})
_LIST_FAULTS = frozenset({"empty-pages", "foreign-link", "twilio-host-link"})
_CHUNK = 64 * 1024


def _hostile_body(fault: str, plan: FaultPlan) -> Streamed:
    """A body too big to hold: it claims ``body_bytes``, never ends, or inflates past them."""
    size = plan.body_bytes
    headers: dict[str, str] = {"Content-Type": _JSON}

    async def spaces(total: int | None) -> AsyncIterator[bytes]:
        # JSON whitespace: whatever a client without a cap reads, it keeps reading.
        chunk = b" " * _CHUNK
        sent = 0
        while total is None or sent < total:
            piece = chunk if total is None else chunk[: total - sent]
            sent += len(piece)
            yield piece
            await asyncio.sleep(0)  # the in-process transport's timeout must get its turn

    async def bomb() -> AsyncIterator[bytes]:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b" " * (1 << 20)
        for start in range(0, size, len(block)):
            piece = compressor.compress(block[: size - start])
            if piece:
                yield piece
            await asyncio.sleep(0)
        yield compressor.compress(b"{}") + compressor.flush()

    if fault == "oversized":
        headers["Content-Length"] = str(size)
        return Streamed(200, CIMultiDict(headers), lambda: spaces(size))
    if fault == "endless":
        return Streamed(200, CIMultiDict(headers), lambda: spaces(None))
    headers["Content-Encoding"] = "gzip"
    return Streamed(200, CIMultiDict(headers), bomb)


def _product_of(path: str) -> str:
    """The Twilio product a fake path belongs to (whose host a ``twilio-host-link`` names)."""
    if path.startswith("/2010-04-01/"):
        return "api"
    if path.startswith(("/v1/Alerts", "/v1/Events", "/v2/")):
        return "monitor"
    return "events"


def _hostile_page(
    fault: str, route: ListRoute, plan: FaultPlan, incoming: FakeRequest, response: Response
) -> Response:
    """A list page whose records or next link a hostile server changed."""
    doc = orjson.loads(response.body)
    holder, name = (
        (doc["meta"], "next_page_url") if route.style == "meta" else (doc, "next_page_uri")
    )
    link = holder.get(name)
    if fault == "empty-pages":
        doc[route.key] = []
        plan.empty_pages_served += 1
        query = [(k, v) for k, v in incoming.query.items() if k != "Empty"]
        link = _link(
            incoming,
            [*query, ("Empty", str(plan.empty_pages_served))],
            absolute=route.style == "meta",
        )
    elif link:
        path_qs = URL(link).raw_path_qs
        if fault == "foreign-link":
            link = plan.foreign_origin.rstrip("/") + path_qs
        else:
            host = plan.twilio_host.format(product=_product_of(incoming.path))
            link = f"https://{host}{path_qs}"
    holder[name] = link
    return evolve(response, body=orjson.dumps(doc))


def _after_handler(fault: str | None, response: Response) -> Served:
    if fault not in ("drop", "truncate"):
        return response
    cut = response.body[: max(1, len(response.body) // 2)]
    if fault == "truncate":  # a complete HTTP message whose JSON stops half-way
        return Response(response.status, CIMultiDict({"Content-Type": _JSON}), cut, "")
    return Dropped(response, cut)  # promise the whole body, send half of it, then hang up
