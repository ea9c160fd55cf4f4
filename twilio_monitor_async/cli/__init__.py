"""The ``twilio-monitor`` command: export, tail, demo and the fake server.

Each command lives in its own module and is thin: it parses options, runs one coroutine through
the public client, and prints with rich. Library errors become one readable line and a distinct
exit code (see ``_common``); ``--debug`` shows the traceback and logs requests.
"""

from __future__ import annotations

import click

from .._version import __version__
from ..resources import Alarms, Alerts, Events, EventTypes, Sinks, Subscriptions
from ..resources.notifications import Notifications
from ._alarms import alarms
from ._common import EXIT_API, EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_STATUS, EXIT_USAGE
from ._demo import demo
from ._export import Exportable, add_export_commands
from ._fake import fake_server
from ._status import status
from ._tail import FOLLOWABLE, make_tail_command

__all__ = ["EXIT_API", "EXIT_AUTH", "EXIT_NETWORK", "EXIT_OK", "EXIT_STATUS", "EXIT_USAGE", "main"]

EXPORTABLE: dict[str, Exportable] = {
    "alerts": Exportable("alerts", Alerts),
    "events": Exportable("events", Events),
    "notifications": Exportable("notifications", Notifications, dated=False, extra=("call_sid",)),
    "alarms": Exportable("alarms", Alarms, dated=False),
    "sinks": Exportable("sinks", Sinks, dated=False),
    "subscriptions": Exportable("subscriptions", Subscriptions, dated=False),
    "event-types": Exportable("event_types", EventTypes, dated=False),
}
FOLLOWABLE.update({"alerts": ("alerts", Alerts), "events": ("events", Events)})


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="twilio-monitor")
def main() -> None:
    """Watch a Twilio account: export, tail, status page, alarms, and a fake Twilio to test with.

    Credentials come from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN (or TWILIO_API_KEY /
    TWILIO_API_SECRET) or the matching flags. Try `twilio-monitor demo` first: it runs against
    the embedded fake Twilio and needs no credentials.
    """


@main.group("export")
def export() -> None:
    """Export a list to JSON Lines, CSV or Parquet, resumable, with a progress bar."""


add_export_commands(export, EXPORTABLE)
main.add_command(make_tail_command())
main.add_command(status)
main.add_command(alarms)
main.add_command(demo)
main.add_command(fake_server)


if __name__ == "__main__":  # pragma: no cover
    main()
