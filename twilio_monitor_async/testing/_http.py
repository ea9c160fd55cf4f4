"""FakeRequest: what every fake handler reads, built from the library's own ``Request``.

The aiohttp app (``FakeTwilio``) turns each incoming ``web.Request`` into a library ``Request``;
``FakeTransport`` is handed one by the client. Both then wrap it in a FakeRequest, so one set of
handlers serves both, and every handler answers with the library's own ``Response``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import orjson
from attrs import field, frozen
from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from ..sansio import Request, Response

__all__ = ["FakeRequest", "json_response", "no_content", "twilio_error"]

_JSON = "application/json"


@frozen
class FakeRequest:
    """One request as a fake handler sees it: the library's ``Request`` plus what was matched.

    Reads like the parts of ``aiohttp.web.Request`` the handlers use (``path``, ``query``,
    ``match_info``, ``headers``, ``post()``, ``read()``).
    """

    request: Request
    match_info: Mapping[str, str] = field(factory=dict)
    url: URL = field(init=False)
    headers: CIMultiDictProxy[str] = field(init=False)

    def __attrs_post_init__(self) -> None:
        url = URL(self.request.url)
        if self.request.params:
            url = url.extend_query(list(self.request.params))
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "headers", CIMultiDictProxy(CIMultiDict(self.request.headers)))

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return self.url.path

    @property
    def path_qs(self) -> str:
        return self.url.raw_path_qs

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` the request was sent to (links are built on it)."""
        return str(self.url.origin())

    @property
    def query(self) -> MultiDictProxy[str]:
        return self.url.query

    async def read(self) -> bytes:
        return self.request.body or b""

    async def post(self) -> MultiDictProxy[str]:
        """The form fields of an ``application/x-www-form-urlencoded`` body."""
        text = (self.request.body or b"").decode("utf-8", "replace")
        return MultiDictProxy(MultiDict(parse_qsl(text, keep_blank_values=True)))

    async def json(self) -> Any:
        return orjson.loads(self.request.body or b"null")


def json_response(
    doc: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    all_headers = CIMultiDict({"Content-Type": _JSON, **(headers or {})})
    return Response(status, all_headers, orjson.dumps(doc), "")


def no_content(status: int = 204) -> Response:
    """An answer without a body (204 after a delete, ...)."""
    return Response(status, CIMultiDict(), b"", "")


def twilio_error(status: int, code: int, message: str) -> Response:
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
