"""Reliability suite plumbing: a loopback server that answers whatever a test chose, and the
figures the tests gathered (see _figures), printed at the end of the run."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from twilio_monitor_async import TwilioMonitorClient

from ..conftest import ACCOUNT_SID, AUTH_TOKEN
from ._figures import report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = report()
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)


class Hostile:
    """A loopback server that answers every request with ``body`` (and ``status``), counting
    them: what a test sets is what the client reads, and ``requests`` tells whether it sent one."""

    def __init__(self) -> None:
        self.body = b"{}"
        self.status = 200
        self.requests = 0

    async def handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        return web.Response(body=self.body, status=self.status, content_type="application/json")


@pytest.fixture
async def hostile() -> AsyncIterator[tuple[Hostile, TwilioMonitorClient]]:
    server = Hostile()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    async with TestServer(app, host="127.0.0.1") as test_server:
        url = str(test_server.make_url("")).rstrip("/")
        client = TwilioMonitorClient(
            ACCOUNT_SID,
            AUTH_TOKEN,
            base_urls=dict.fromkeys(("monitor", "events", "api", "status"), url),
            retry=False,
        )
        async with client:
            yield server, client
