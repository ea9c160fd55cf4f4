"""Typed for users: mypy --strict refuses unknown or mistyped filters and passes the README.

Each script is checked by one mypy run (mypy is slow); the filter TypedDicts are checked against
the endpoint declarations they stand for.
"""

from __future__ import annotations

import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from twilio_monitor_async import resources
from twilio_monitor_async.resources import Listing
from twilio_monitor_async.resources.notifications import Notifications

ROOT = Path(__file__).resolve().parent.parent


def mypy(script: str, where: Path) -> subprocess.CompletedProcess[str]:
    path = where / "user_script.py"
    path.write_text(script)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(where / ".mypy_cache"),
            "--config-file",
            "/dev/null",
            str(path),
        ],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def readme_quickstart() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quickstart for async services", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None
    return found.group(1)


USER_MISTAKES = """
from twilio_monitor_async import TwilioMonitorClient


async def main(client: TwilioMonitorClient) -> None:
    await client.alerts.list(limt=5)
    await client.alerts.list(log_level=3)
    client.events.stream(actor_sid=None, event_typ="x")
    await client.notifications.page(log=[0])
"""


def test_mypy_refuses_unknown_and_mistyped_filters(tmp_path: Path) -> None:
    result = mypy(USER_MISTAKES, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert any(":6:" in line and '"limt"' in line for line in errors), errors
    assert any(":7:" in line and '"log_level"' in line for line in errors), errors
    assert any(":8:" in line and '"event_typ"' in line for line in errors), errors
    assert any(":9:" in line and '"log"' in line for line in errors), errors
    assert len(errors) == 4, errors


OUTCOMES = """

async def outcomes(client: TwilioMonitorClient) -> list[str]:
    texts: list[str] = []
    async for outcome in client.alerts.fetch_many(["NO" + "0" * 32]):
        if outcome.ok:
            texts.append(outcome.value.alert_text or "")  # narrowed: a Success
        else:
            texts.append(str(outcome.error))  # narrowed: a Failure
    return texts
"""


def test_mypy_passes_the_readme_quickstart_unchanged(tmp_path: Path) -> None:
    result = mypy(readme_quickstart() + OUTCOMES, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def filter_types(cls: type[Listing[typing.Any]]) -> dict[str, dict[str, object]]:
    """For each list verb of ``cls``: its filters' TypedDict as {name: type}."""
    verbs = {}
    for verb in ("stream", "list", "page", "pages"):
        hints = typing.get_type_hints(getattr(cls, verb), include_extras=True)
        (typed_dict,) = typing.get_args(hints["filters"])
        verbs[verb] = typing.get_type_hints(typed_dict)
    return verbs


LISTINGS = sorted(
    {
        cls
        for cls in vars(resources).values()
        if isinstance(cls, type) and issubclass(cls, Listing) and hasattr(cls, "list_endpoint")
    }
    | {Notifications},
    key=lambda cls: cls.__name__,
)


@pytest.mark.parametrize("cls", LISTINGS, ids=lambda cls: cls.__name__)
def test_every_lists_typed_filters_are_its_declared_arguments(
    cls: type[Listing[typing.Any]],
) -> None:
    verbs = filter_types(cls)
    declared = {name for name, arg in cls.list_endpoint.args.items() if arg.location != "path"}
    if issubclass(cls, Notifications):  # the account (a path argument) and the call may be chosen
        declared |= {"account_sid", "call_sid"}
    for verb, filters in verbs.items():
        assert set(filters) == declared, (verb, sorted(filters), sorted(declared))
        for name, kind in filters.items():  # every filter may be left out
            assert type(None) in typing.get_args(kind), (verb, name)
