"""A pre-rendered Monitor Alerts server for the benchmarks, run in its own process.

It is built from the fake (``twilio_monitor_async.testing``): its alerts, its credentials, its
wire shapes. What it adds is scale at no cost per request: a virtual list of ``--records``
alerts whose JSON is rendered once at start-up, so a page of 1000 is one ``bytes.join`` and the
clients being measured, not the server, set the pace. Record ``i`` is dated ``i`` seconds before
the fake's "now", so ``StartDate``/``EndDate`` map straight to index ranges (for sharding), and
each record has its own SID. Past ``--unique`` records the rendered bodies repeat (with the
same SIDs), which is enough for the memory runs of a million records.

Control endpoints under ``/_bench/``: ``config?latency=0.03&cap=8`` (seconds added to every
API response; an account concurrency cap the client is not told: past it a request is refused at
once with 429 / code 20429; 0 for none), ``reset`` and ``stats`` (requests, most in flight, peak open connections, and the
time the handlers spent building responses, i.e. the server-only cost).

    python -m benchmarks.server --records 200000   # prints its URL, serves until killed
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import random
import sys
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import orjson
from aiohttp import web

from twilio_monitor_async.testing import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FakeState
from twilio_monitor_async.testing._monitor import make_alert

_ISO = "%Y-%m-%dT%H:%M:%SZ"
_DETAIL = ("request_variables", "request_headers", "response_body", "response_headers")


def _compact(rendered: bytes) -> bytes:
    # orjson's result keeps its whole output buffer (8 KiB for a small document): an exact-size
    # copy makes 200,000 rendered records take 130 MB instead of 1.6 GB.
    return bytes(bytearray(rendered))


def sid_of(index: int) -> str:
    return f"NO{index:032x}"


class PageServer:
    def __init__(self, records: int, unique: int, seed: int = 0) -> None:
        self.records = records
        self.unique = min(unique, records)
        state = FakeState(account_sid=FAKE_ACCOUNT_SID, auth_token=FAKE_AUTH_TOKEN)
        self.now = state.now.replace(microsecond=0)
        rng = random.Random(seed)
        self.rendered: list[bytes] = []
        self.instances: dict[str, bytes] = {}
        for index in range(self.unique):
            moment = (self.now - timedelta(seconds=index)).strftime(_ISO)
            alert = make_alert(
                rng,
                state,
                sid=sid_of(index),
                date_generated=moment,
                date_created=moment,
                date_updated=moment,
                url=f"https://monitor.twilio.com/v1/Alerts/{sid_of(index)}",
            )
            if index < 5000:
                self.instances[alert["sid"]] = _compact(orjson.dumps(alert))
            self.rendered.append(
                _compact(orjson.dumps({k: v for k, v in alert.items() if k not in _DETAIL}))
            )
        token = base64.b64encode(f"{FAKE_ACCOUNT_SID}:{FAKE_AUTH_TOKEN}".encode()).decode()
        self.authorization = f"Basic {token}"
        self.latency = 0.0
        self.cap = 0
        self.web_server: Any = None  # the aiohttp low-level server, to count its connections
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.peak_connections = 0
        self.build_seconds = 0.0
        self.pages = 0
        self.records_served = 0
        self.rejected = 0

    # -- helpers ----------------------------------------------------------------------------
    def _index_of(self, wire: str, *, upper: bool) -> int:
        """The first (upper=False: last) index whose date is within the bound ``wire``."""
        from twilio_monitor_async.testing._store import iso_bound

        bound = iso_bound(wire, upper=upper)
        seconds = int(
            (self.now - _parse(bound)).total_seconds()
        )  # records are one second apart, newest first
        return max(0, seconds) if upper else seconds

    def _slice(self, start: int, stop: int) -> bytes:
        unique = self.unique
        if stop <= unique:
            return b",".join(self.rendered[start:stop])
        return b",".join(self.rendered[i % unique] for i in range(start, stop))

    # -- handlers ---------------------------------------------------------------------------
    async def gate(self, request: web.Request, build: Any) -> web.Response:
        self.requests += 1
        if self.cap and self.in_flight >= self.cap:
            # Twilio's answer past the account's concurrency cap: at once, 429 / 20429.
            self.rejected += 1
            return web.json_response(
                {"code": 20429, "message": "Too Many Requests", "status": 429},
                status=429,
                headers={"Twilio-Concurrent-Requests": str(self.in_flight)},
            )
        self.in_flight += 1
        concurrent = self.in_flight
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.web_server is not None:
            self.peak_connections = max(self.peak_connections, len(self.web_server.connections))
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            if request.headers.get("Authorization") != self.authorization:
                return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
            started = time.perf_counter()
            response: web.Response = build(request)
            self.build_seconds += time.perf_counter() - started
            response.headers["Twilio-Concurrent-Requests"] = str(concurrent)
            return response
        finally:
            self.in_flight -= 1

    def build_page(self, request: web.Request) -> web.Response:
        query = request.query
        size = int(query.get("PageSize", 50))
        page = int(query.get("Page", 0))
        first = 0
        last = self.records - 1
        if "EndDate" in query:
            first = max(first, self._index_of(query["EndDate"], upper=True))
        if "StartDate" in query:
            last = min(last, self._index_of(query["StartDate"], upper=False))
        token = query.get("PageToken")
        start = int(token[2:]) if token else first
        stop = min(start + size, last + 1)
        body = self._slice(start, stop) if stop > start else b""
        kept = [(k, v) for k, v in query.items() if k not in ("PageSize", "Page", "PageToken")]
        origin = f"{request.scheme}://{request.host}{request.path}?"
        following = None
        if stop <= last:
            following = origin + urlencode(
                [*kept, ("PageSize", size), ("Page", page + 1), ("PageToken", f"PA{stop}")]
            )
        meta = {
            "page": page,
            "page_size": size,
            "first_page_url": origin + urlencode([*kept, ("PageSize", size), ("Page", 0)]),
            "previous_page_url": None,
            "url": origin + request.query_string,
            "next_page_url": following,
            "key": "alerts",
        }
        self.pages += 1
        self.records_served += max(0, stop - start)
        return web.Response(
            body=b'{"alerts":[' + body + b'],"meta":' + orjson.dumps(meta) + b"}",
            content_type="application/json",
        )

    def build_instance(self, request: web.Request) -> web.Response:
        body = self.instances.get(request.match_info["sid"])
        if body is None:
            return web.json_response({"code": 20404, "message": "not found"}, status=404)
        return web.Response(body=body, content_type="application/json")

    def stats(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "max_in_flight": self.max_in_flight,
            "peak_connections": self.peak_connections,
            "build_seconds": self.build_seconds,
            "pages": self.pages,
            "records": self.records_served,
            "rejected": self.rejected,
        }


def _parse(iso: str) -> Any:
    from twilio_monitor_async.models.converter import parse_datetime

    return parse_datetime(iso)


def create_app(server: PageServer) -> web.Application:
    app = web.Application()

    async def alerts(request: web.Request) -> web.Response:
        return await server.gate(request, server.build_page)

    async def alert(request: web.Request) -> web.Response:
        return await server.gate(request, server.build_instance)

    async def config(request: web.Request) -> web.Response:
        server.latency = float(request.query.get("latency", server.latency))
        server.cap = int(request.query.get("cap", server.cap))
        return web.json_response({"latency": server.latency, "cap": server.cap})

    async def reset(request: web.Request) -> web.Response:
        server.reset()
        return web.json_response({})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(server.stats())

    app.router.add_get("/v1/Alerts", alerts)
    app.router.add_get("/v1/Alerts/{sid}", alert)
    app.router.add_get("/_bench/config", config)
    app.router.add_get("/_bench/reset", reset)
    app.router.add_get("/_bench/stats", stats)
    return app


async def serve(records: int, unique: int, port: int) -> None:
    server = PageServer(records, unique)
    app = create_app(server)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    server.web_server = runner.server
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    bound = next(addr[1] for addr in runner.addresses if isinstance(addr, tuple))
    print(f"http://127.0.0.1:{bound}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--unique", type=int, default=200_000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        asyncio.run(serve(args.records, args.unique, args.port))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
