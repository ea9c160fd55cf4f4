"""The fake Twilio server over HTTP: the aiohttp app and ``FakeTwilio``, its lifecycle.

One server answers every domain (Monitor, Events, Api 2010, status page): their paths do not
collide, so ``FakeTwilio.base_urls`` points all of them at the same loopback address. The app
has one catch-all route: it turns what aiohttp received into the library's own ``Request`` and
hands it to ``FakeApp``, the same gate and handlers ``FakeTransport`` serves in-process.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ..sansio import Request, Response
from ._fake_state import ROUTES, FakeHost, FakeState
from ._routes import Dropped, FakeApp, Streamed
from ._state import (
    ALL_FAULTS,
    DEFAULT_NOW,
    FAKE_ACCOUNT_SID,
    FAKE_AUTH_TOKEN,
    FakeStats,
    FaultPlan,
    SeenRequest,
    ServerState,
)

if TYPE_CHECKING:
    from ..client import TwilioMonitorClient

__all__ = [
    "ALL_FAULTS",
    "DEFAULT_NOW",
    "FAKE_ACCOUNT_SID",
    "FAKE_AUTH_TOKEN",
    "STATE_KEY",
    "FakeState",
    "FakeStats",
    "FakeTwilio",
    "FaultPlan",
    "SeenRequest",
    "create_app",
]


#: Where the app keeps its FakeState (``app[STATE_KEY]``).
STATE_KEY = web.AppKey("state", ServerState)


async def _incoming(request: web.Request) -> Request:
    """The library's own Request for what aiohttp received (the handlers take nothing else)."""
    return Request(
        method=request.method,
        url=str(request.url.with_query(None)),
        params=tuple(request.query.items()),
        headers=tuple(request.headers.items()),
        body=await request.read() if request.body_exists else None,
    )


async def _stream(request: web.Request, served: Streamed) -> web.StreamResponse:
    """Play out a body too big to hold, until it ends or the client hangs up."""
    stream = web.StreamResponse(status=served.status, headers=served.headers)
    await stream.prepare(request)
    try:
        async for chunk in served.chunks():
            await stream.write(chunk)
        await stream.write_eof()
    except (ConnectionError, RuntimeError):
        # The client refused the body and closed the connection: what a hostile server
        # would see too. (aiohttp raises ConnectionResetError, or RuntimeError once closed.)
        pass
    return stream


def create_app(state: ServerState) -> web.Application:
    """The aiohttp application serving ``state``; mount it anywhere, or use FakeTwilio."""
    app = web.Application()
    app[STATE_KEY] = state
    fake = FakeApp(state, ROUTES)

    async def handle(request: web.Request) -> web.StreamResponse:
        served = await fake.handle(await _incoming(request))
        if isinstance(served, Response):
            return web.Response(body=served.body, status=served.status, headers=served.headers)
        if isinstance(served, Streamed):
            return await _stream(request, served)
        # drop: promise the whole body, send part of it, then hang up
        assert isinstance(served, Dropped)
        promised = served.response
        stream = web.StreamResponse(status=promised.status, headers=promised.headers)
        stream.content_length = len(promised.body) + 1
        await stream.prepare(request)
        await stream.write(served.sent)
        if request.transport is not None:
            request.transport.close()
        return stream

    app.router.add_route("*", "/{path:.*}", handle)
    return app


class FakeTwilio(FakeHost):
    """The fake Twilio server on a loopback port, as an async context manager.

    async with FakeTwilio(alerts=5_000) as fake:
        async with fake.client() as client:
            alerts = await client.alerts.list(limit=10)
    """

    def __init__(
        self,
        *,
        state: FakeState | None = None,
        seed: int = 0,
        faults: FaultPlan | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        **sizes: int,
    ) -> None:
        super().__init__(state=state, seed=seed, faults=faults, sizes=sizes)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the fake server is not running; use 'async with FakeTwilio()'")
        return self._url

    @property
    def base_urls(self) -> Mapping[str, str]:
        """``base_urls`` for TwilioMonitorClient: every domain at this server."""
        return {domain: self.url for domain in ("monitor", "events", "api", "status")}

    def client(self, **options: Any) -> TwilioMonitorClient:
        """A client with the fake's credentials and base URLs (``options`` go to the client)."""
        from ..client import TwilioMonitorClient

        options.setdefault("base_urls", self.base_urls)
        return TwilioMonitorClient(self.state.account_sid, self.state.auth_token, **options)

    async def start(self) -> str:
        app = create_app(self.state)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        await site.start()
        self._runner = runner
        server = runner.server
        self.state.open_connections = lambda: len(server.connections) if server else 0
        port = next(addr[1] for addr in (runner.addresses or []) if isinstance(addr, tuple))
        host = f"[{self._host}]" if ":" in self._host else self._host
        self._url = f"http://{host}:{port}"
        return self._url

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
        self._url = None

    async def __aenter__(self) -> FakeTwilio:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
