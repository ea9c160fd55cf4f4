"""Helpers for tests that wait on the event loop: poll a condition, list the client's tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(
    condition: Callable[[], bool], *, polls: int = 10_000, pause: float = 0.001
) -> None:
    """Poll ``condition`` in this task (a generous bound, not a timing check).

    ``pause=0`` only yields to the loop: for tests that freeze the loop's clock.
    """
    for _ in range(polls):
        if condition():
            return
        await asyncio.sleep(pause)
    raise AssertionError("the condition never became true")


def other_tasks() -> set[asyncio.Task[object]]:
    """Tasks of the client side: not this test's, not the fake server's request handlers."""
    return {
        task
        for task in asyncio.all_tasks()
        if task is not asyncio.current_task()
        and not getattr(task.get_coro(), "__qualname__", "").startswith("RequestHandler.")
    }
