"""One measured case per process: this library, the official ``twilio`` client, or the raw floor.

``python -m benchmarks.cases CASE URL '{"n": 200000}'`` runs CASE against the page server at URL
and prints one JSON object (seconds, records, peak RSS growth, ...). Each case gets a fresh
interpreter so that memory figures start from the same baseline and no case warms the next.

The official client is pointed at the same server by an ``AsyncTwilioHttpClient`` that rewrites
``https://monitor.twilio.com`` to the loopback URL; the next-page links the server sends are
already loopback URLs, so it follows them unchanged.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import aiohttp
import orjson
import psutil

from twilio_monitor_async import TwilioMonitorClient
from twilio_monitor_async.testing import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN
from twilio_monitor_async.testing._server import DEFAULT_NOW

TWILIO_HOST = "https://monitor.twilio.com"

Case = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
CASES: dict[str, Case] = {}


def case(function: Case) -> Case:
    CASES[function.__name__] = function
    return function


class RssSampler:
    """Peak resident memory above a baseline, sampled every 2 ms from a side thread.

    Sampling costs CPU time of its own (psutil reads /proc, about 7% of a core) and takes the
    GIL from the case 500 times a second, so only the memory cases sample (``enabled``): a CPU
    or throughput figure is measured without it, as the raw floor is.
    """

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._process = psutil.Process()
        self._stop = threading.Event()
        self.baseline = 0
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.002)

    def __enter__(self) -> RssSampler:
        gc.collect()
        self.baseline = self.peak = self._process.memory_info().rss
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.enabled:
            self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / 2**20


def ours(url: str, **options: Any) -> TwilioMonitorClient:
    return TwilioMonitorClient(
        FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, base_urls={"monitor": url}, **options
    )


def official(url: str) -> Any:
    """The official client, over its own async HTTP client, rewritten to the loopback server."""
    from twilio.http.async_http_client import AsyncTwilioHttpClient
    from twilio.rest import Client

    class LoopbackHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
        async def request(self, method: str, url_: str, *args: Any, **kwargs: Any) -> Any:
            if url_.startswith(TWILIO_HOST):
                url_ = url + url_[len(TWILIO_HOST) :]
            return await super().request(method, url_, *args, **kwargs)

    return Client(FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, http_client=LoopbackHttpClient())


async def _consume(records: Any, page_pause: float) -> int:
    count = 0
    async for _record in records:
        count += 1
        if page_pause and count % 1000 == 0:
            await asyncio.sleep(page_pause)  # the caller's own work on each page
    return count


def _record_rss(result: dict[str, Any], rss: RssSampler) -> dict[str, Any]:
    if rss.enabled:
        result["rss_growth_mb"] = rss.growth_mb
    return result


def _timed(
    result: dict[str, Any], started: float, count: int, cpu_started: float | None = None
) -> dict[str, Any]:
    seconds = time.perf_counter() - started
    result.update(seconds=seconds, records=count, records_per_s=count / seconds)
    if cpu_started is not None:  # this process's CPU time (the server runs in another one)
        result["cpu_us_per_record"] = (time.process_time() - cpu_started) / max(count, 1) * 1e6
    return result


# -- streaming: this library, the official client, the raw floor -------------------------------


@case
async def ours_stream(url: str, p: dict[str, Any]) -> dict[str, Any]:
    async with ours(url) as client:
        await client.alerts.list(limit=10)  # warm: session, connection, decoder
        with RssSampler(enabled=p.get("rss", False)) as rss:
            started, cpu = time.perf_counter(), time.process_time()
            records = client.alerts.stream(
                limit=p["n"], page_size=1000, prefetch=p.get("prefetch", True)
            )
            count = await _consume(records, p.get("page_pause", 0.0))
            result = _timed({}, started, count, cpu)
    return _record_rss(result, rss)


@case
async def ours_sharded(url: str, p: dict[str, Any]) -> dict[str, Any]:
    newest = DEFAULT_NOW
    oldest = newest - timedelta(seconds=p["n"] - 1)  # record i is dated i seconds before now
    async with ours(url) as client:
        await client.alerts.list(limit=10)
        with RssSampler(enabled=p.get("rss", False)) as rss:
            started = time.perf_counter()
            records = client.alerts.stream(
                start_date=oldest, end_date=newest, page_size=1000, shards=p.get("shards", 8)
            )
            count = await _consume(records, p.get("page_pause", 0.0))
            result = _timed({}, started, count)
    return _record_rss(result, rss)


@case
async def ours_list(url: str, p: dict[str, Any]) -> dict[str, Any]:
    async with ours(url) as client:
        await client.alerts.list(limit=10)
        with RssSampler() as rss:
            started = time.perf_counter()
            records = await client.alerts.list(limit=p["n"], page_size=1000)
            result = _timed({}, started, len(records))
    return _record_rss(result, rss)


@case
async def official_stream(url: str, p: dict[str, Any]) -> dict[str, Any]:
    client = official(url)
    try:
        await client.monitor.v1.alerts.list_async(limit=10)
        with RssSampler(enabled=p.get("rss", False)) as rss:
            started, cpu = time.perf_counter(), time.process_time()
            records = await client.monitor.v1.alerts.stream_async(limit=p["n"], page_size=1000)
            count = await _consume(records, p.get("page_pause", 0.0))
            result = _timed({}, started, count, cpu)
    finally:
        await client.http_client.close()
    return _record_rss(result, rss)


@case
async def official_list(url: str, p: dict[str, Any]) -> dict[str, Any]:
    client = official(url)
    try:
        await client.monitor.v1.alerts.list_async(limit=10)
        with RssSampler() as rss:
            started = time.perf_counter()
            records = await client.monitor.v1.alerts.list_async(limit=p["n"], page_size=1000)
            result = _timed({}, started, len(records))
    finally:
        await client.http_client.close()
    return _record_rss(result, rss)


@case
async def raw_stream(url: str, p: dict[str, Any]) -> dict[str, Any]:
    """The floor: plain aiohttp GET + orjson.loads of the same pages, no records made."""
    auth = aiohttp.BasicAuth(FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN)
    async with aiohttp.ClientSession(auth=auth) as session:
        async with session.get(f"{url}/v1/Alerts?PageSize=10") as response:
            await response.read()  # warm, as the other cases are
        started, cpu = time.perf_counter(), time.process_time()
        next_url: str | None = f"{url}/v1/Alerts?PageSize=1000"
        count = 0
        while next_url and count < p["n"]:
            async with session.get(next_url) as response:
                doc = orjson.loads(await response.read())
            count += len(doc["alerts"])
            next_url = doc["meta"]["next_page_url"]
            if p.get("page_pause"):
                await asyncio.sleep(p["page_pause"])
        return _timed({}, started, count, cpu)


@case
async def decode_only(url: str, p: dict[str, Any]) -> dict[str, Any]:
    """Decoding alone, no network: the same pages of 1000 alerts (fetched once) decoded over
    and over by orjson to dicts (the floor's decode), by this library's fast path (every
    record made), and by orjson + the converter (the path a page the fast path refuses takes).
    CPU per record, best of ``rounds``, the three alternating so that noise hits them alike."""
    from twilio_monitor_async.models import Alert
    from twilio_monitor_async.models.converter import structure_many
    from twilio_monitor_async.models.fast_decode import page_decoder

    auth = aiohttp.BasicAuth(FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN)
    bodies: list[bytes] = []
    async with aiohttp.ClientSession(auth=auth) as session:
        next_url: str | None = f"{url}/v1/Alerts?PageSize=1000"
        while next_url and len(bodies) * 1000 < p["n"]:
            async with session.get(next_url) as response:
                bodies.append(await response.read())
            next_url = orjson.loads(bodies[-1])["meta"]["next_page_url"]
    fast = page_decoder(Alert, "alerts")
    assert fast is not None

    def fast_path(body: bytes) -> None:
        page = fast.decode(body)
        assert page is not None, "the fast path refused a benchmark page"
        for _record in page.make_records(page.document["alerts"], lambda error: error):
            pass

    ways: dict[str, Callable[[bytes], Any]] = {
        "orjson": orjson.loads,
        "fast_path": fast_path,
        "orjson_converter": lambda body: structure_many(orjson.loads(body)["alerts"], Alert),
    }
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(p.get("rounds", 7)):
        for name, decode in ways.items():
            cpu = time.process_time()
            for body in bodies:
                decode(body)
            best[name] = min(best[name], time.process_time() - cpu)
    records = len(bodies) * 1000
    return {
        "seconds": sum(best.values()),
        "records": records,
        **{f"{name}_cpu_us_per_record": seconds / records * 1e6 for name, seconds in best.items()},
    }


# -- fan-out: fetch many instances ---------------------------------------------------------------


def _sids(n: int) -> list[str]:
    return [f"NO{i:032x}" for i in range(n)]


@case
async def ours_fetch_many(url: str, p: dict[str, Any]) -> dict[str, Any]:
    """fetch_many with the client's defaults (``concurrency`` None: the adaptive limit) or an
    explicit ``concurrency``; counts failures and checks every item is the one asked for."""
    concurrency = p.get("concurrency")
    sids = _sids(p["n"])
    async with ours(url) as client:
        started, cpu = time.perf_counter(), time.process_time()
        failed = correct = count = 0
        async for outcome in client.alerts.fetch_many(sids, concurrency=concurrency):
            count += 1
            failed += not outcome.ok
            correct += outcome.ok and outcome.unwrap().sid == sids[outcome.index]
        # CPU per fetch too: with 100 requests in flight on two shared cores, the client's own
        # work per request (mostly aiohttp and the kernel's loopback send) sets the pace.
        result = _timed({"failed": failed, "correct": correct}, started, count, cpu)
        stats = client.stats.concurrency
        result["limiter"] = {
            "limit": stats.limit,
            "rejected": stats.rejected,
            "decreases": stats.decreases,
            "wait_seconds": stats.wait_seconds,
            "max_in_flight": stats.max_in_flight,
        }
    return result


@case
async def official_fetch_sequential(url: str, p: dict[str, Any]) -> dict[str, Any]:
    client = official(url)
    try:
        started = time.perf_counter()
        for sid in _sids(p["n"]):
            await client.monitor.v1.alerts(sid).fetch_async()
        return _timed({}, started, p["n"])
    finally:
        await client.http_client.close()


@case
async def official_fetch_gather(url: str, p: dict[str, Any]) -> dict[str, Any]:
    client = official(url)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        fetched = await asyncio.gather(
            *(client.monitor.v1.alerts(sid).fetch_async() for sid in _sids(p["n"]))
        )
        return _timed({}, started, len(fetched), cpu)
    finally:
        await client.http_client.close()


def main() -> None:
    name, url, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    result = asyncio.run(CASES[name](url, params))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
