"""The I/O seam: the ``Transport`` protocol, and its default over one pooled aiohttp session.

A transport sends one ``Request`` and returns the ``Response`` as read (status, headers, body),
whatever the status: judging the response is ``sansio.decipher``'s job, retrying is the
client's (``sender``). The only thing a transport decides is what kind of failure it met when
there was no response at all: ``ConnectError``, ``ResponseTimeoutError`` or
``ConnectionDroppedError``. Pass another transport to ``TwilioMonitorClient(transport=...)``
(``testing.FakeTransport`` serves the fake in-process, with no socket).
"""

from __future__ import annotations

import asyncio
from typing import Protocol, runtime_checkable

import aiohttp

from ._body import ACCEPT_ENCODING, BoundedBody
from .errors import ConnectError, ConnectionDroppedError, ResponseTimeoutError, TransportError
from .sansio import Request, Response

__all__ = ["AiohttpTransport", "Transport"]


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns its response; closes its resources on ``aclose()``.

    ``send`` returns every response it gets, error statuses included, and raises a
    ``TransportError`` subclass only when there is no complete response. It must not follow
    redirects. ``request.timeout`` (seconds, or None) bounds the whole exchange, and
    ``request.max_response_bytes`` the body (``ResponseTooLargeError`` past it, as sent or
    inflated: ``_body.BoundedBody`` does both).
    """

    async def send(self, request: Request) -> Response: ...

    async def aclose(self) -> None: ...


class AiohttpTransport:
    """The default transport: one aiohttp session with a pool of ``max_connections``.

    The session is made at the first request (it must be made inside the running loop) and
    closed by ``aclose()``. aiohttp's own decompression is off: it would inflate a gzip body
    whole, with no cap, so the body is read raw in chunks and inflated by ``BoundedBody``.
    """

    def __init__(self, *, max_connections: int = 20) -> None:
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}

    def __repr__(self) -> str:
        return f"<AiohttpTransport max_connections={self._max_connections}>"

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """The connection pool, once the first request has created it."""
        return None if self._session is None else self._session.connector

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections),
                raise_for_status=False,
                auto_decompress=False,
            )
        return self._session

    def _timeout(self, seconds: float | None) -> aiohttp.ClientTimeout:
        timeout = self._timeouts.get(seconds)
        if timeout is None:
            timeout = self._timeouts[seconds] = aiohttp.ClientTimeout(total=seconds)
        return timeout

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def send(self, request: Request) -> Response:
        session = self._get_session()
        url = request.display_url

        def failure(kind: type[TransportError], reason: str) -> TransportError:
            return kind(method=request.method, url=url, reason=reason)

        headers = dict(request.headers)
        headers.setdefault("Accept-Encoding", ACCEPT_ENCODING)
        try:
            async with session.request(
                request.method,
                request.url,
                params=request.params or None,
                data=request.body,
                headers=headers,
                allow_redirects=False,
                timeout=self._timeout(request.timeout),
            ) as response:
                body = BoundedBody(
                    limit=request.max_response_bytes,
                    content_encoding=response.headers.get("Content-Encoding"),
                    method=request.method,
                    url=url,
                )
                body.check_length(response.content_length)
                async for chunk in response.content.iter_any():
                    body.feed(chunk)
                return Response(response.status, response.headers, body.finish(), str(response.url))
        except asyncio.TimeoutError:
            raise failure(
                ResponseTimeoutError, f"no complete response within {request.timeout}s"
            ) from None
        except aiohttp.ClientConnectorError as exc:
            raise failure(ConnectError, f"cannot connect: {exc}") from None
        except aiohttp.ClientPayloadError as exc:
            raise failure(ConnectionDroppedError, f"dropped mid-body: {exc}") from None
        except aiohttp.ServerDisconnectedError:
            raise failure(
                ConnectionDroppedError, "connection dropped: server disconnected"
            ) from None
        except aiohttp.ClientError as exc:
            raise failure(ConnectionDroppedError, f"connection error: {exc}") from None
