"""Small deterministic generators shared by the fake APIs' seed functions."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

__all__ = ["iso", "make_sid", "random_ip", "spread"]


def make_sid(rng: random.Random, prefix: str) -> str:
    """A SID-shaped id: the two-letter prefix and 32 lowercase hex digits."""
    return f"{prefix}{rng.getrandbits(128):032x}"


def iso(moment: datetime) -> str:
    """The ISO 8601 UTC form every v1/v2 API sends: ``2015-07-30T20:00:00Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def spread(rng: random.Random, now: datetime, span: timedelta) -> datetime:
    """A moment in the ``span`` before ``now``, to the second."""
    return now - timedelta(seconds=rng.randrange(int(span.total_seconds())))


def random_ip(rng: random.Random) -> str:
    return f"{rng.choice((34, 52, 54, 104, 185))}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
