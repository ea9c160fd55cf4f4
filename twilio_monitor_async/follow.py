"""Follow a dated list like ``tail -f``: poll, emit each new record once, survive restarts.

Records can arrive late (an alert generated at 10:00 may only be listed at 10:02), so each poll
re-reads a look-back window behind the newest date seen, and a set of the ids already emitted
inside that window removes the repeats. Ids older than the window are forgotten, which keeps
memory bounded however long the follow runs. The state is a ``FollowCheckpoint`` the caller can
save and load, so a restarted follower neither repeats nor skips.

A record dated in the future (a server clock gone wrong, a typo in 2099) must not drag the
high-water mark, and so the look-back window, past every record still to come: the mark never
moves beyond the poll's start plus ``CLOCK_SKEW_ALLOWANCE``. Such a record is emitted once and
stays among the seen ids, with its own date, until that date falls out of the window.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import orjson
from attrs import define, field

from ._files import CheckpointError, atomic_write
from .models.converter import parse_datetime

__all__ = ["CLOCK_SKEW_ALLOWANCE", "FollowCheckpoint", "follow_records"]

R = TypeVar("R")

#: How far ahead of this machine's clock a record date may move the high-water mark: servers'
#: clocks run a little ahead of ours, but a record dated later than this is not trusted to mark
#: progress. Capped at half the look-back, so the window always reaches behind the poll's start.
CLOCK_SKEW_ALLOWANCE = timedelta(minutes=1)


def _ceiling(now: datetime, lookback: timedelta) -> datetime:
    """The latest high-water mark a poll starting at ``now`` may set."""
    return now + min(CLOCK_SKEW_ALLOWANCE, lookback / 2)


@define
class FollowCheckpoint:
    """Where a follow stands: the newest record date seen, and the ids seen since the look-back.

    Save it with ``save(path)`` (atomic) or ``to_json()``, and pass it back to resume.
    """

    high_water: datetime | None = None
    seen: dict[str, datetime] = field(factory=dict)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "high_water": self.high_water.isoformat() if self.high_water else None,
                "seen": {key: when.isoformat() for key, when in self.seen.items()},
            }
        )

    @classmethod
    def from_json(cls, data: bytes | str, *, source: str = "<data>") -> FollowCheckpoint:
        """The checkpoint ``to_json`` wrote. A high-water mark in the future (saved by versions
        that trusted a future-dated record) is brought back to now plus the skew allowance; the
        seen ids are kept, so that record is still not emitted twice. Anything else is a
        CheckpointError naming ``source`` (the file it came from)."""
        try:
            doc = orjson.loads(data)
            if not isinstance(doc, dict) or not isinstance(doc.get("seen", {}), dict):
                raise CheckpointError(source, "is not a follow checkpoint")
            high_water = doc.get("high_water")
            checkpoint = cls(
                high_water=parse_datetime(high_water) if high_water else None,
                seen={str(k): parse_datetime(v) for k, v in doc.get("seen", {}).items()},
            )
        except CheckpointError:
            raise
        except (ValueError, TypeError, OverflowError, OSError) as exc:  # not JSON, a bad date
            raise CheckpointError(source, f"is damaged ({exc})") from None
        checkpoint.cap(datetime.now(timezone.utc) + CLOCK_SKEW_ALLOWANCE)
        return checkpoint

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically: a crash leaves the old checkpoint or the new one, never half."""
        atomic_write(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> FollowCheckpoint | None:
        """The checkpoint saved at ``path``, or None when there is none yet."""
        try:
            return cls.from_json(Path(path).read_bytes(), source=os.fspath(path))
        except FileNotFoundError:
            return None

    def remember(self, key: str, when: datetime, *, not_after: datetime | None = None) -> None:
        """Record ``key`` as seen at ``when``; the high-water mark moves to ``when`` if later,
        but never past ``not_after``."""
        self.seen[key] = when
        mark = when if not_after is None else min(when, not_after)
        if self.high_water is None or mark > self.high_water:
            self.high_water = mark

    def cap(self, ceiling: datetime) -> None:
        """Bring a high-water mark later than ``ceiling`` back to it."""
        if self.high_water is not None and self.high_water > ceiling:
            self.high_water = ceiling

    def forget_before(self, cutoff: datetime) -> None:
        self.seen = {key: when for key, when in self.seen.items() if when >= cutoff}


async def follow_records(
    fetch: Callable[..., AsyncIterator[R]],
    *,
    date_of: Callable[[R], datetime | None],
    id_of: Callable[[R], str | None],
    since: datetime | None = None,
    checkpoint: FollowCheckpoint | None = None,
    poll_interval: float = 10.0,
    lookback: timedelta = timedelta(minutes=5),
    max_polls: int | None = None,
    on_poll: Callable[[FollowCheckpoint], None] | None = None,
) -> AsyncIterator[R]:
    """New records, oldest first, each once, polling every ``poll_interval`` s.

    ``fetch(limit=..., start_date=...)`` lists the records (newest first) from ``start_date``
    on: a list's ``stream`` with the caller's other filters already bound.

    Without ``since`` or a checkpoint it starts at the newest record (like ``tail -f``: only what
    arrives from now on); with ``since`` it first replays everything from that moment.
    ``max_polls`` bounds the number of polls (tests, cron-style runs); ``on_poll`` is called
    with the checkpoint after every poll (to save it even when nothing new arrived).
    """
    state = checkpoint if checkpoint is not None else FollowCheckpoint()
    bootstrap = state.high_water is None and since is None
    if bootstrap:  # start at the newest record instead of reading the whole history
        ceiling = _ceiling(datetime.now(timezone.utc), lookback)
        async for newest in fetch(limit=1):
            when = date_of(newest)
            state.high_water = None if when is None else min(when, ceiling)
    polls = 0
    while max_polls is None or polls < max_polls:
        polls += 1
        ceiling = _ceiling(datetime.now(timezone.utc), lookback)
        state.cap(ceiling)  # a mark from before this rule (or built by hand) may be ahead
        if state.high_water is not None:
            window_start: datetime | None = state.high_water - lookback
        else:
            window_start = since
        fresh: list[tuple[datetime, str, R]] = []
        async for record in fetch(start_date=window_start):
            key, when = id_of(record), date_of(record)
            if key is None or when is None or key in state.seen:
                continue
            if since is not None and state.high_water is None and when < since:
                continue
            fresh.append((when, key, record))
        fresh.sort(key=lambda item: (item[0], item[1]))
        if bootstrap:  # the first look only learns what already exists
            for when, key, _ in fresh:
                state.remember(key, when, not_after=ceiling)
            bootstrap = False
        else:
            for when, key, record in fresh:
                state.remember(key, when, not_after=ceiling)
                yield record
        if state.high_water is not None:
            state.forget_before(state.high_water - lookback)
        if on_poll is not None:
            on_poll(state)
        if max_polls is None or polls < max_polls:
            await asyncio.sleep(poll_interval)
