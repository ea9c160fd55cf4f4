"""Bulk work: fan-out ordering, concurrency caps, per-item failures; time-window sharding."""

from __future__ import annotations

import asyncio
import itertools
import random
from contextlib import aclosing
from datetime import date, datetime, timedelta, timezone

import pytest

from twilio_monitor_async import (
    AuthenticationError,
    NotFoundError,
    TwilioMonitorClient,
    ValidationError,
)
from twilio_monitor_async.bulk import (
    MAX_SHARDS,
    Failure,
    Success,
    fan_out,
    shard_windows,
    stream_sharded,
)
from twilio_monitor_async.testing import FakeTwilio
from twilio_monitor_async.testing._monitor import make_alert

from .conftest import FAST_RETRY
from .waiting import other_tasks, until

# -- fan_out -----------------------------------------------------------------------------------


async def _released_in_reverse(ordered: bool, n: int = 6) -> list[int]:
    """Run n calls that can only finish in reverse input order; return the yielded indexes."""
    gates = [asyncio.Event() for _ in range(n)]
    finished: list[int] = []

    async def work(i: int) -> int:
        await gates[i].wait()
        finished.append(i)
        return i * 10

    async def release() -> None:
        for i in reversed(range(n)):
            gates[i].set()
            await until(lambda i=i: i in finished)  # type: ignore[misc]

    releaser = asyncio.ensure_future(release())
    outcomes = [o async for o in fan_out(work, range(n), concurrency=n, ordered=ordered)]
    await releaser
    assert finished == list(reversed(range(n)))
    assert all(o.ok and o.value == o.item * 10 for o in outcomes)
    return [o.index for o in outcomes]


async def test_fan_out_in_input_order() -> None:
    assert await _released_in_reverse(ordered=True) == [0, 1, 2, 3, 4, 5]


async def test_fan_out_as_completed() -> None:
    assert await _released_in_reverse(ordered=False) == [5, 4, 3, 2, 1, 0]


@pytest.mark.parametrize("ordered", [False, True])
async def test_fan_out_never_runs_more_than_concurrency(ordered: bool) -> None:
    running = peak = 0
    rng = random.Random(5)

    async def work(i: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        for _ in range(rng.randrange(1, 6)):
            await asyncio.sleep(0)
        running -= 1
        return i

    async def items():  # an async source, pulled lazily
        for i in range(100):
            yield i

    outcomes = [o async for o in fan_out(work, items(), concurrency=7, ordered=ordered)]
    assert sorted(o.unwrap() for o in outcomes) == list(range(100))
    assert peak == 7


async def test_fan_out_reports_failures_per_item() -> None:
    async def work(i: int) -> int:
        await asyncio.sleep(0)
        if i % 3 == 0:
            raise KeyError(i)
        return i

    outcomes = [o async for o in fan_out(work, range(10), concurrency=4, ordered=True)]
    assert [o.index for o in outcomes] == list(range(10))
    failed = [o for o in outcomes if not o.ok]
    assert [o.item for o in failed] == [0, 3, 6, 9]
    assert all(isinstance(o.error, KeyError) for o in failed)
    with pytest.raises(KeyError):
        failed[0].unwrap()
    assert [o.unwrap() for o in outcomes if o.ok] == [1, 2, 4, 5, 7, 8]


@pytest.mark.parametrize("ordered", [False, True])
async def test_leaving_a_fan_out_early_cancels_the_rest(ordered: bool) -> None:
    started: list[int] = []
    cancelled: list[int] = []

    async def work(i: int) -> int:
        started.append(i)
        try:
            if i:
                await asyncio.Event().wait()  # never finishes on its own
        except asyncio.CancelledError:
            cancelled.append(i)
            raise
        return i

    async with aclosing(fan_out(work, range(1000), concurrency=5, ordered=ordered)) as results:
        async for outcome in results:
            assert outcome.value == 0
            break
    assert len(started) < 1000  # items are pulled lazily
    assert sorted(cancelled) == sorted(i for i in started if i)
    assert not other_tasks()


def test_fan_out_refuses_bad_concurrency() -> None:
    async def work(i: int) -> int:
        return i

    with pytest.raises(ValidationError, match="concurrency"):
        fan_out(work, [1], concurrency=0)


# -- fetch_many --------------------------------------------------------------------------------


async def test_fetch_many_reports_bad_and_missing_sids_per_item(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    sids = [a.sid async for a in fake_client.alerts.stream(limit=30)]
    missing = "NO" + "0" * 32
    wanted = [*sids[:10], "not-a-sid", missing, *sids[10:]]
    outcomes = [o async for o in fake_client.alerts.fetch_many(wanted, ordered=True)]
    assert [o.item for o in outcomes] == wanted
    by_item = {o.item: o for o in outcomes}
    assert isinstance(by_item["not-a-sid"].error, ValidationError)
    assert isinstance(by_item[missing].error, NotFoundError)
    good = [o for o in outcomes if o.ok]
    assert [o.unwrap().sid for o in good] == sids
    assert all(o.unwrap().response_body for o in good)  # the instance view, not the list view


async def test_fetch_many_concurrency_cap_holds_at_the_server(fake: FakeTwilio) -> None:
    async with fake.client(retry=FAST_RETRY, max_connections=50) as client:
        sids = [a.sid async for a in client.alerts.stream(limit=60)]
        fake.stats.reset()
        fake.faults.latency = 0.02  # long enough for requests to overlap
        outcomes = [o async for o in client.alerts.fetch_many(sids, concurrency=6)]
    assert sorted(o.unwrap().sid for o in outcomes) == sorted(sids)
    assert fake.stats.requests == 60
    assert 1 < fake.stats.max_in_flight <= 6


async def test_fetch_many_on_events_as_completed(fake_client: TwilioMonitorClient) -> None:
    sids = [e.sid async for e in fake_client.events.stream(limit=25)]
    outcomes = [o async for o in fake_client.events.fetch_many(iter(sids), concurrency=4)]
    assert sorted(o.unwrap().sid for o in outcomes) == sorted(sids)  # type: ignore[type-var]


# -- sharding ----------------------------------------------------------------------------------


def test_shard_windows_are_consecutive_and_cover_the_range() -> None:
    start = datetime(2026, 11, 1, 0, 0, 0, tzinfo=timezone.utc)
    end = datetime(2026, 11, 1, 0, 0, 9, 900_000, tzinfo=timezone.utc)  # sent as ...:09
    windows = shard_windows(start, end, 4)
    assert windows[0][0] == start
    assert windows[-1][1] == start + timedelta(seconds=9)
    for (_, previous_end), (next_start, _) in itertools.pairwise(windows):
        assert next_start == previous_end + timedelta(seconds=1)
    assert [(b - a).seconds + 1 for a, b in windows] == [3, 3, 2, 2]
    assert len(shard_windows(start, start + timedelta(seconds=2), 8)) == 3
    days = shard_windows(date(2026, 11, 1), date(2026, 11, 6), 3, step=timedelta(days=1))
    assert [(a.day, b.day, b.hour, b.second) for a, b in days] == [
        (1, 2, 23, 59),
        (3, 4, 23, 59),
        (5, 6, 23, 59),
    ]
    with pytest.raises(ValidationError, match="end_date"):
        shard_windows(end, start, 2)


_SECOND = timedelta(seconds=1)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_sharded_stream_equals_the_unsharded_stream_on_window_edges(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    now = fake.state.now
    start, end = now - timedelta(days=20), now - timedelta(days=3)
    alerts = fake.state.collections["alerts"]
    rng = random.Random(7)
    edges: list[datetime] = [start, end]
    for a, b in shard_windows(start, end, 4 * 4):  # the windows stream(shards=4) walks
        edges += [a, b]
    planted = []
    for moment in edges:
        for _ in range(2):  # two records on the very same second
            record = make_alert(rng, fake.state, date_generated=_iso(moment))
            alerts.add(record)
            planted.append(record["sid"])
    before, after = "NO" + "f" * 32, "NO" + "e" * 32  # one second outside each end
    alerts.add(make_alert(rng, fake.state, date_generated=_iso(start - _SECOND), sid=before))
    alerts.add(make_alert(rng, fake.state, date_generated=_iso(end + _SECOND), sid=after))

    plain = [a.sid async for a in fake_client.alerts.stream(start_date=start, end_date=end)]
    sharded = [
        a.sid async for a in fake_client.alerts.stream(start_date=start, end_date=end, shards=4)
    ]
    assert sharded == plain
    assert len(set(sharded)) == len(sharded)
    assert set(planted) <= set(sharded)
    assert before not in sharded
    assert after not in sharded
    assert len(plain) > 500


async def test_sharded_stream_with_filters_small_pages_and_limit(
    fake_client: TwilioMonitorClient,
) -> None:
    start, end = "2026-10-25T00:00:00Z", date(2026, 11, 18)
    kwargs = {"start_date": start, "end_date": end, "log_level": "warning", "page_size": 7}
    plain = [a.sid async for a in fake_client.alerts.stream(**kwargs)]
    sharded = [a.sid async for a in fake_client.alerts.stream(shards=3, **kwargs)]
    assert sharded == plain
    assert len(plain) > 50
    first = [a.sid async for a in fake_client.alerts.stream(shards=5, limit=40, **kwargs)]
    assert first == plain[:40]
    listed = await fake_client.events.list(shards=2, start_date=start, end_date=end)
    assert [e.sid for e in listed] == [
        e.sid async for e in fake_client.events.stream(start_date=start, end_date=end)
    ]


@pytest.mark.parametrize("buffer", [1, None])
async def test_stream_sharded_helper_unordered_gives_the_same_set(
    fake_client: TwilioMonitorClient, buffer: int | None
) -> None:
    start, end = date(2026, 10, 22), date(2026, 11, 20)
    plain = [a.sid async for a in fake_client.alerts.stream(start_date=start, end_date=end)]
    unordered = [
        a.sid
        async for a in stream_sharded(
            fake_client.alerts,
            shards=4,
            windows=9,
            start_date=start,
            end_date=end,
            ordered=False,
            shard_buffer=buffer,
            page_size=25,
        )
    ]
    assert sorted(unordered) == sorted(plain)
    assert len(unordered) == len(plain) > 1000


async def test_leaving_a_sharded_stream_early_stops_every_window(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    stream = fake_client.alerts.stream(
        start_date=date(2026, 10, 22), end_date=date(2026, 11, 20), shards=4, page_size=10
    )
    async with aclosing(stream) as records:  # type: ignore[type-var]
        async for _alert in records:
            break
    assert not other_tasks()
    assert fake.stats.requests < 1200 / 10


async def test_a_failing_window_fails_the_sharded_stream(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    fake.state.credentials.clear()
    with pytest.raises(AuthenticationError):
        await fake_client.alerts.list(
            start_date=date(2026, 11, 1), end_date=date(2026, 11, 9), shards=3
        )
    assert not other_tasks()


async def test_shards_need_a_date_range(mock_http, client: TwilioMonitorClient) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="end_date"):
        client.alerts.stream(shards=4, start_date=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="start_date"):
        client.alerts.stream(shards=4, end_date=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="shards"):
        client.alerts.stream(shards=0, start_date=date(2026, 1, 1), end_date=date(2026, 1, 2))
    # Bounded by name before any work: each shard is a walker over four windows of the range.
    with pytest.raises(ValidationError, match=f"shards: must be at most {MAX_SHARDS}"):
        client.alerts.stream(
            shards=MAX_SHARDS + 1, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
        )
    with pytest.raises(ValidationError, match=r"^shards: "):  # first, before the dates
        client.alerts.stream(shards=651089)
    with pytest.raises(ValidationError, match="page_limit"):
        client.alerts.stream(
            shards=2, page_limit=3, start_date=date(2026, 1, 1), end_date=date(2026, 1, 2)
        )
    with pytest.raises(ValidationError, match="log_level"):
        client.alerts.stream(
            shards=2, log_level="loud", start_date=date(2026, 1, 1), end_date=date(2026, 1, 2)
        )
    assert not mock_http.requests  # refused before anything was sent


def test_outcome_repr_and_ok() -> None:
    assert Success(0, "x", 1).ok
    assert not Failure(1, "y", ValueError("bad")).ok
