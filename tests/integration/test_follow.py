"""follow(): new records once each, late arrivals, restarts from a checkpoint, bounded memory."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from twilio_monitor_async import (
    FollowCheckpoint,
    TwilioMonitorClient,
    TwilioMonitorError,
    ValidationError,
)
from twilio_monitor_async.follow import CLOCK_SKEW_ALLOWANCE
from twilio_monitor_async.testing import FakeTwilio

FUTURE = datetime(2099, 1, 1, tzinfo=timezone.utc)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def newest(fake: FakeTwilio, name: str = "alerts") -> dict[str, object]:
    return next(iter(fake.state.collections[name]))


async def one_poll(
    client: TwilioMonitorClient, checkpoint: FollowCheckpoint, **kwargs: object
) -> list[str]:
    return [
        a.sid
        async for a in client.alerts.follow(
            checkpoint=checkpoint, max_polls=1, poll_interval=0, **kwargs
        )
    ]  # type: ignore[misc]


async def test_follow_starts_at_the_newest_record_and_emits_each_new_one_once(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    checkpoint = FollowCheckpoint()
    assert await one_poll(fake_client, checkpoint) == []  # history is not replayed
    top = datetime.fromisoformat(str(newest(fake)["date_generated"]).replace("Z", "+00:00"))
    assert checkpoint.high_water == top

    added = [
        fake.state.add_alert(date_generated=iso(top + timedelta(seconds=s)), log_level="error")
        for s in (30, 10, 20)
    ]
    got = await one_poll(fake_client, checkpoint)
    assert got == [added[1]["sid"], added[2]["sid"], added[0]["sid"]]  # oldest first
    assert await one_poll(fake_client, checkpoint) == []  # nothing twice


async def test_late_arrivals_inside_the_lookback_are_caught(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    checkpoint = FollowCheckpoint()
    await one_poll(fake_client, checkpoint)
    assert checkpoint.high_water is not None
    late = fake.state.add_alert(date_generated=iso(checkpoint.high_water - timedelta(minutes=2)))
    too_late = fake.state.add_alert(
        date_generated=iso(checkpoint.high_water - timedelta(minutes=20))
    )
    got = await one_poll(fake_client, checkpoint, lookback=timedelta(minutes=5))
    assert got == [late["sid"]]
    assert too_late["sid"] not in got  # older than the look-back: by design out of reach


async def test_since_replays_then_follows(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    records = list(fake.state.collections["alerts"])
    since = records[10]["date_generated"]
    checkpoint = FollowCheckpoint()
    got = await one_poll(fake_client, checkpoint, since=since)
    expected = sorted(
        (r for r in records if r["date_generated"] >= since),
        key=lambda r: (r["date_generated"], r["sid"]),
    )
    assert got == [r["sid"] for r in expected]


async def test_filters_apply_while_following(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    checkpoint = FollowCheckpoint()
    await one_poll(fake_client, checkpoint, log_level="error")
    assert checkpoint.high_water is not None
    base = checkpoint.high_water + timedelta(minutes=1)
    wanted = fake.state.add_alert(date_generated=iso(base), log_level="error")
    fake.state.add_alert(date_generated=iso(base), log_level="warning")
    assert await one_poll(fake_client, checkpoint, log_level="error") == [wanted["sid"]]


async def test_a_restarted_follower_neither_repeats_nor_skips(
    fake: FakeTwilio, fake_client: TwilioMonitorClient, tmp_path: Path
) -> None:
    path = tmp_path / "follow.json"
    checkpoint = FollowCheckpoint()
    await one_poll(fake_client, checkpoint, on_poll=lambda cp: cp.save(path))
    assert checkpoint.high_water is not None
    start = checkpoint.high_water
    first = fake.state.add_alert(date_generated=iso(start + timedelta(seconds=5)))
    assert await one_poll(fake_client, checkpoint, on_poll=lambda cp: cp.save(path)) == [
        first["sid"]
    ]

    # A new process: only the saved file survives. Meanwhile one more alert arrived, and a late one.
    second = fake.state.add_alert(date_generated=iso(start + timedelta(seconds=9)))
    late = fake.state.add_alert(date_generated=iso(start + timedelta(seconds=1)))
    restored = FollowCheckpoint.load(path)
    assert restored is not None and restored.high_water == checkpoint.high_water
    assert await one_poll(fake_client, restored) == [late["sid"], second["sid"]]
    assert FollowCheckpoint.load(tmp_path / "missing.json") is None


async def test_memory_stays_bounded_over_many_polls(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    checkpoint = FollowCheckpoint()
    await one_poll(fake_client, checkpoint, lookback=timedelta(seconds=30))
    assert checkpoint.high_water is not None
    moment = checkpoint.high_water
    emitted: list[str] = []
    for _ in range(300):
        moment += timedelta(seconds=10)
        fake.state.add_alert(date_generated=iso(moment))
        emitted += await one_poll(fake_client, checkpoint, lookback=timedelta(seconds=30))
        assert len(checkpoint.seen) <= 5  # only what is inside the 30 s look-back
    assert len(emitted) == len(set(emitted)) == 300


async def test_a_running_follow_sees_records_as_they_arrive(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    polls: list[int] = []
    polled = asyncio.Event()

    def count_poll(_: FollowCheckpoint) -> None:
        polls.append(len(polls))
        polled.set()

    events = fake_client.events.follow(poll_interval=0.01, on_poll=count_poll)
    seen: list[str] = []
    added: list[str] = []

    async def produce() -> None:
        top = datetime.fromisoformat(
            str(newest(fake, "events")["event_date"]).replace("Z", "+00:00")
        )
        for step in range(5):
            # One arrival per poll, and the first only after the follower's first look (what
            # exists before it is history, not news), whatever the machine's speed.
            await polled.wait()
            polled.clear()
            added.append(
                str(fake.state.add_event(event_date=iso(top + timedelta(seconds=step + 1)))["sid"])
            )

    producer = asyncio.create_task(produce())
    async for event in events:
        assert event.sid is not None
        seen.append(event.sid)
        if len(seen) == 5:
            break
    await producer
    await events.aclose()  # type: ignore[attr-defined]
    assert seen == added


async def test_follow_refuses_bad_arguments_before_any_request(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    for kwargs, field in (
        ({"start_date": "2026-01-01"}, "start_date"),
        ({"lookback": 5}, "lookback"),
        ({"poll_interval": -1}, "poll_interval"),
        ({"log_level": "loud"}, "log_level"),
        ({"since": "whenever"}, "since"),
    ):
        with pytest.raises(ValidationError) as caught:
            fake_client.alerts.follow(**kwargs)  # type: ignore[arg-type]
        assert caught.value.field == field
    assert fake.stats.requests == 0


def test_checkpoint_round_trips_through_json() -> None:
    moment = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
    checkpoint = FollowCheckpoint(high_water=moment, seen={"NO1": moment})
    assert FollowCheckpoint.from_json(checkpoint.to_json()) == checkpoint
    with pytest.raises(ValueError, match="checkpoint"):
        FollowCheckpoint.from_json(b"[]")


@pytest.mark.parametrize(
    "damage",
    [b"{not json", b'{"high_water": "yesterday"}', b'{"seen": {"NO1": [1]}}', b'{"seen": 3}'],
)
def test_a_damaged_checkpoint_is_a_library_error_naming_its_file(
    tmp_path: Path, damage: bytes
) -> None:
    path = tmp_path / "follow.json"
    path.write_bytes(damage)
    with pytest.raises(TwilioMonitorError, match=r"follow\.json") as caught:
        FollowCheckpoint.load(path)
    assert isinstance(caught.value, ValueError)  # still what callers caught before


def move_fake_clock_to_the_present(fake: FakeTwilio) -> None:
    """The follower caps its mark at the real present (plus the skew allowance); a fake whose
    clock stays at its fixed seed date would date every new alert days behind that mark."""
    fake.state.now = datetime.now(timezone.utc).replace(microsecond=0)


def assert_not_ahead(checkpoint: FollowCheckpoint) -> None:
    assert checkpoint.high_water is not None
    assert checkpoint.high_water <= datetime.now(timezone.utc) + CLOCK_SKEW_ALLOWANCE


@pytest.mark.parametrize("lookback", [timedelta(minutes=5), timedelta(seconds=20)])
async def test_a_future_dated_record_is_emitted_once_and_hides_no_later_one(
    fake: FakeTwilio, fake_client: TwilioMonitorClient, lookback: timedelta
) -> None:
    move_fake_clock_to_the_present(fake)
    # With a look-back shorter than the skew allowance, the allowance shrinks to half of it.
    checkpoint = FollowCheckpoint()
    await one_poll(fake_client, checkpoint, lookback=lookback)  # start at the newest record
    future = fake.state.add_odd_alert("future_date")
    later: list[str] = []
    polls = 0

    def after_poll(state: FollowCheckpoint) -> None:
        # One new alert (dated now) arrives after each of the first three polls.
        nonlocal polls
        polls += 1
        assert_not_ahead(state)
        if len(later) < 3:
            later.append(str(fake.state.add_alert(log_level="error")["sid"]))

    got = [
        alert.sid
        async for alert in fake_client.alerts.follow(
            checkpoint=checkpoint,
            poll_interval=0,
            max_polls=6,
            on_poll=after_poll,
            lookback=lookback,
        )
    ]
    assert polls == 6
    assert got == [future["sid"], *later]  # each exactly once, the future one never again
    assert future["sid"] in checkpoint.seen  # kept with its own date: not emitted twice


async def test_a_future_dated_newest_record_at_start_does_not_blind_the_follow(
    fake: FakeTwilio, fake_client: TwilioMonitorClient
) -> None:
    move_fake_clock_to_the_present(fake)
    fake.state.add_odd_alert("future_date")
    checkpoint = FollowCheckpoint()
    assert await one_poll(fake_client, checkpoint) == []  # it existed before: not replayed
    assert_not_ahead(checkpoint)
    added = [str(fake.state.add_alert()["sid"]) for _ in range(3)]
    got = await one_poll(fake_client, checkpoint)
    assert sorted(got) == sorted(added)
    assert await one_poll(fake_client, checkpoint) == []


async def test_a_checkpoint_saved_with_a_future_mark_is_repaired_on_load(
    fake: FakeTwilio, fake_client: TwilioMonitorClient, tmp_path: Path
) -> None:
    move_fake_clock_to_the_present(fake)
    # What earlier versions saved after meeting a record dated 2099: the mark at 2099 and the
    # record among the seen ids (everything older forgotten).
    future = fake.state.add_odd_alert("future_date")
    path = tmp_path / "follow.json"
    FollowCheckpoint(high_water=FUTURE, seen={future["sid"]: FUTURE}).save(path)

    restored = FollowCheckpoint.load(path)
    assert restored is not None
    assert_not_ahead(restored)
    assert restored.high_water is not None
    assert restored.high_water >= datetime.now(timezone.utc) - timedelta(minutes=1)
    assert restored.seen == {future["sid"]: FUTURE}
    added = [str(fake.state.add_alert()["sid"]) for _ in range(3)]
    got = await one_poll(fake_client, restored)
    assert sorted(got) == sorted(added)  # the future record is not emitted again

    # A checkpoint built in memory with a future mark is brought back by the first poll.
    in_memory = FollowCheckpoint(high_water=FUTURE, seen={future["sid"]: FUTURE})
    newer = str(fake.state.add_alert()["sid"])
    assert sorted(await one_poll(fake_client, in_memory)) == sorted([*added, newer])
    assert_not_ahead(in_memory)
