"""FakeTransport: the whole fake Twilio in-process, as a ``Transport``. No socket, no port.

``TwilioMonitorClient(..., transport=FakeTransport())`` (or ``FakeTransport().client()``) sends
every request straight to the fake's handlers, the same ones ``FakeTwilio`` serves over HTTP,
faults included: a ``drop`` raises ``ConnectionDroppedError``, a ``slow`` response longer than
the client's timeout ``ResponseTimeoutError``, an oversized, endless or bombed body
``ResponseTooLargeError``, as the aiohttp transport would. Every Twilio
domain is served whatever its host, so the default base URLs work unchanged.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from attrs import evolve
from multidict import CIMultiDict
from yarl import URL

from .._body import BoundedBody
from ..errors import ClientClosedError, ConnectionDroppedError, ResponseTimeoutError
from ..sansio import Request, Response
from ._fake_state import ROUTES, FakeHost, FakeState
from ._routes import Dropped, FakeApp, Streamed
from ._state import FaultPlan

if TYPE_CHECKING:
    from ..client import TwilioMonitorClient

__all__ = ["FakeTransport"]


class FakeTransport(FakeHost):
    """The fake Twilio as an in-process transport (seeded like ``FakeTwilio``)."""

    def __init__(
        self,
        *,
        state: FakeState | None = None,
        seed: int = 0,
        faults: FaultPlan | None = None,
        **sizes: int,
    ) -> None:
        super().__init__(state=state, seed=seed, faults=faults, sizes=sizes)
        self._app = FakeApp(self.state, ROUTES)
        self.closed = False

    def __repr__(self) -> str:
        return f"<FakeTransport account_sid={self.state.account_sid!r} closed={self.closed}>"

    def client(self, **options: Any) -> TwilioMonitorClient:
        """A client with the fake's credentials that sends through this transport."""
        from ..client import TwilioMonitorClient

        return TwilioMonitorClient(
            self.state.account_sid, self.state.auth_token, transport=self, **options
        )

    async def send(self, request: Request) -> Response:
        if self.closed:
            raise ClientClosedError()
        try:
            if request.timeout is None:
                served = await self._exchange(request)
            else:
                served = await asyncio.wait_for(self._exchange(request), request.timeout)
        except asyncio.TimeoutError:
            raise ResponseTimeoutError(
                method=request.method,
                url=request.display_url,
                reason=f"no complete response within {request.timeout}s",
            ) from None
        if isinstance(served, Dropped):
            raise ConnectionDroppedError(
                method=request.method,
                url=request.display_url,
                reason=f"dropped mid-body after {len(served.sent)} bytes",
            )
        url = request.url
        if request.params:
            url = str(URL(url).extend_query(list(request.params)))
        return evolve(served, url=url)

    async def _exchange(self, request: Request) -> Response | Dropped:
        """The fake's answer, with a streamed body read as a transport reads one: through
        ``BoundedBody``, within the request's ``max_response_bytes``."""
        served = await self._app.handle(request)
        if not isinstance(served, Streamed):
            return served
        headers = CIMultiDict(served.headers)
        body = BoundedBody(
            limit=request.max_response_bytes,
            content_encoding=headers.get("Content-Encoding"),
            method=request.method,
            url=request.display_url,
        )
        declared = headers.get("Content-Length")
        body.check_length(int(declared) if declared is not None else None)
        async for chunk in served.chunks():
            body.feed(chunk)
        return Response(served.status, headers, body.finish(), "")

    async def aclose(self) -> None:
        self.closed = True
