"""The ``twilio-monitor`` command: list, export, tail, status, alarms, demo and the fake server.

Each command lives in its own module and is thin: it parses options, runs one coroutine through
the public client, and prints through ``_output`` / ``_console``. Every failure becomes one line
on stderr and a documented exit code (see ``_common``); ``--debug`` (anywhere on the line) shows
the traceback and logs requests.
"""

from __future__ import annotations

import click

from .._version import __version__
from ..resources import Alerts, Events
from ._alarms import alarms
from ._common import (
    EXIT_API,
    EXIT_AUTH,
    EXIT_CHECKPOINT,
    EXIT_FILE,
    EXIT_INTERRUPTED,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_STATUS,
    EXIT_USAGE,
    RootGroup,
    global_options,
)
from ._demo import demo
from ._export import add_export_commands
from ._fake import fake_server
from ._list import RESOURCES, make_list_group
from ._status import status
from ._tail import FOLLOWABLE, make_tail_command

__all__ = [
    "EXIT_API",
    "EXIT_AUTH",
    "EXIT_CHECKPOINT",
    "EXIT_FILE",
    "EXIT_INTERRUPTED",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_STATUS",
    "EXIT_USAGE",
    "main",
]

FOLLOWABLE.update({"alerts": ("alerts", Alerts), "events": ("events", Events)})


@click.group(
    cls=RootGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="twilio-monitor")
@global_options
def main() -> None:
    """Watch a Twilio account: list, export, tail, status page, alarms, and a fake Twilio.

    Credentials come from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN (or TWILIO_API_KEY /
    TWILIO_API_SECRET), a profile (-p NAME) or the matching flags; base URLs from
    TWILIO_MONITOR_BASE_URL or --base-url. Try `twilio-monitor demo` first: it runs against
    the embedded fake Twilio and needs no credentials.

    \b
    Exit codes: 0 ok, 1 API error, 2 usage, 3 authentication, 4 network,
    5 status --fail-on, 6 file error, 7 checkpoint error, 130 interrupted.
    """


@main.group("export")
def export() -> None:
    """Export a list to JSON Lines, CSV, TSV or Parquet, resumable, with a progress bar."""


add_export_commands(export, RESOURCES)
main.add_command(make_list_group())
main.add_command(make_tail_command())
main.add_command(status)
main.add_command(alarms)
main.add_command(demo)
main.add_command(fake_server)


if __name__ == "__main__":  # pragma: no cover
    main()
