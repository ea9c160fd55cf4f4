"""``twilio-monitor list RESOURCE``: any list of the account, a table on a terminal, JSON lines
when piped, with the list's filters as options, ``--limit``, ``-o`` and ``--properties``.

The resources the CLI knows (``Listable``) are declared once here; ``export`` and ``alarms list``
use the same declarations.
"""

from __future__ import annotations

from typing import Any

import click
from attrs import frozen

from ..resources import Alarms, Alerts, Events, EventTypes, Listing, Sinks, Subscriptions
from ..resources.notifications import Notifications
from ._common import (
    check_date_range,
    connection_options,
    filter_options,
    make_client,
    note,
    run,
    split_connection,
)
from ._output import RecordPrinter, output_options

DEFAULT_LIMIT = 50


@frozen
class Listable:
    """A list the CLI can show and export: the client attribute, its class (for its filters),
    and the columns a table shows by default."""

    attribute: str
    resource: type[Listing[Any]]
    columns: tuple[str, ...] = ()
    #: Arguments of the list besides its declared filters (e.g. notifications' call_sid).
    extra: tuple[str, ...] = ()

    @property
    def dated(self) -> bool:
        """Has start_date/end_date filters (so date ranges and --shards apply)."""
        return "start_date" in self.resource.list_endpoint.args


RESOURCES: dict[str, Listable] = {
    "alerts": Listable(
        "alerts",
        Alerts,
        ("date_generated", "log_level", "error_code", "sid", "request_url"),
    ),
    "events": Listable(
        "events",
        Events,
        ("event_date", "event_type", "sid", "resource_sid", "source_ip_address"),
    ),
    "notifications": Listable(
        "notifications",
        Notifications,
        ("message_date", "log", "error_code", "sid", "request_url"),
        extra=("call_sid",),
    ),
    "alarms": Listable(
        "alarms",
        Alarms,
        ("friendly_name", "query_type", "query", "trigger_value", "time_window", "enabled", "sid"),
    ),
    "sinks": Listable("sinks", Sinks, ("description", "sink_type", "status", "sid")),
    "subscriptions": Listable(
        "subscriptions", Subscriptions, ("description", "sink_sid", "date_created", "sid")
    ),
    "event-types": Listable(
        "event_types", EventTypes, ("type", "schema_id", "status", "description")
    ),
}


def extra_options(spec: Listable, command: click.Command) -> click.Command:
    for extra in spec.extra:
        command = click.option(
            "--" + extra.replace("_", "-"), extra, help=f"Only for this {extra}."
        )(command)
    return command


def make_list_command(name: str, spec: Listable) -> click.Command:
    @click.command(
        name, help=f"List {name.replace('-', ' ')} (every filter of the list is an option)."
    )
    @connection_options
    @filter_options(spec.resource)
    @output_options()
    @click.option(
        "--limit",
        type=click.IntRange(1),
        default=DEFAULT_LIMIT,
        show_default=True,
        help="At most this many records.",
    )
    @click.option("--no-limit", is_flag=True, help="Every matching record.")
    def command(**options: Any) -> None:
        connection = split_connection(options)
        run(lambda: _list(name, spec, connection, options))

    return extra_options(spec, command)


async def _list(
    name: str, spec: Listable, connection: dict[str, Any], options: dict[str, Any]
) -> None:
    output = options.pop("output")
    properties = options.pop("properties")
    raw_csv = options.pop("raw_csv")
    limit = None if options.pop("no_limit") else options.pop("limit")
    options.pop("limit", None)
    filters = {k: v for k, v in options.items() if v is not None}
    check_date_range(filters)
    printer = RecordPrinter(
        spec.resource.list_endpoint.record,
        output,
        properties,
        table_columns=spec.columns,
        raw_csv=raw_csv,
    )
    async with make_client(connection) as client:
        listing: Listing[Any] = getattr(client, spec.attribute)
        if printer.output in ("table", "json"):
            records = await listing.list(limit=limit, **filters)
            printer.print_all(records)
            if printer.is_table:
                more = (
                    ""
                    if limit is None or len(records) < limit
                    else f" (the first {limit}: --limit or --no-limit for more)"
                )
                note(f"{len(records)} {name}{more}")
            return
        printer.print_lines(())  # the CSV/TSV header, even for no records
        async for page in listing.pages(page_size=min(limit or 1000, 1000), **filters):
            records = list(page.records)
            if limit is not None:
                records = records[:limit]
                limit -= len(records)
            printer.print_lines(records)
            if limit == 0:
                break


def make_list_group() -> click.Group:
    @click.group(
        "list",
        help="List any of the account's lists: a table on a terminal, JSON lines when piped.",
    )
    def group() -> None:
        pass

    for name, spec in RESOURCES.items():
        group.add_command(make_list_command(name, spec))
    return group
