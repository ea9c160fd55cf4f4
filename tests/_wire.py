"""Helpers to read what the client put on the wire, from aioresponses' record of requests."""

from __future__ import annotations

import urllib.parse
from typing import Any

import aioresponses
import orjson
from attrs import frozen


@frozen
class Sent:
    method: str
    url: str  # with its query, as sent
    path: str
    query: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    body: bytes | None

    def json(self) -> Any:
        assert self.body is not None
        return orjson.loads(self.body)

    def form(self) -> list[tuple[str, str]]:
        assert self.body is not None
        return urllib.parse.parse_qsl(self.body.decode(), keep_blank_values=True)


def sent(mock: aioresponses.aioresponses) -> list[Sent]:
    """Every request aioresponses saw (for one URL, in the order they were made)."""
    out: list[Sent] = []
    for (method, url), calls in mock.requests.items():
        for call in calls:
            headers = {k: v for k, v in call.kwargs["headers"].items()}
            out.append(
                Sent(
                    method=method,
                    url=str(url),
                    path=url.path,
                    query=tuple(url.query.items()),
                    headers=headers,
                    body=call.kwargs.get("data"),
                )
            )
    return out


def only(mock: aioresponses.aioresponses) -> Sent:
    requests = sent(mock)
    assert len(requests) == 1, requests
    return requests[0]
