"""``twilio-monitor tail alerts|events``: follow new records like ``tail -f``, resumably."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from .._files import CheckpointError, check_folder
from ..follow import FollowCheckpoint
from ..models.converter import converter
from ..resources import Following
from ._common import connection_options, filter_options, make_client, run, split_connection
from ._console import visible
from ._output import RecordPrinter, output_options

#: The followable resources: CLI name -> (client attribute, resource class).
FOLLOWABLE: dict[str, tuple[str, type[Following[Any]]]] = {}


def _line(record: Any) -> str:
    """One readable line per record: its date, its kind and what happened (text made visible)."""
    row = converter.unstructure(record)
    if "log_level" in row:
        text = (row.get("alert_text") or "").split("&")[0].removeprefix("Msg=").replace("+", " ")
        line = (
            f"{row.get('date_generated')}  {str(row.get('log_level') or '-').upper():7}  "
            f"{row.get('error_code') or '-':>6}  {row.get('sid')}  {text}  {row.get('request_url') or ''}"
        )
    else:
        line = (
            f"{row.get('event_date')}  {row.get('event_type') or '-':28}  {row.get('sid')}  "
            f"{row.get('resource_sid') or '-'}  {row.get('source') or '-'} {row.get('source_ip_address') or ''}"
        )
    return visible(line.rstrip())


def make_tail_command() -> click.Command:
    @click.group("tail", help="Follow new alerts or events as they arrive (like tail -f).")
    def tail() -> None:
        pass

    for name, (attribute, resource) in FOLLOWABLE.items():
        tail.add_command(_make_command(name, attribute, resource))
    return tail


def _make_command(name: str, attribute: str, resource: type[Following[Any]]) -> click.Command:
    @click.command(name, help=f"Print new {name} as they arrive, each once.")
    @connection_options
    @filter_options(resource, skip=("start_date", "end_date"))
    @click.option("--since", help="Replay from this date/time (ISO 8601) before following.")
    @output_options(("text", "json", "jsonl", "csv", "tsv"), default="text")
    @click.option(
        "--poll-interval",
        type=click.FloatRange(0),
        default=10.0,
        show_default=True,
        help="Seconds between polls.",
    )
    @click.option(
        "--lookback",
        type=click.FloatRange(0),
        default=300.0,
        show_default=True,
        help="Seconds re-read behind the newest record, for late arrivals.",
    )
    @click.option(
        "--checkpoint",
        type=click.Path(dir_okay=False),
        help="Keep the position here; a restart goes on from it.",
    )
    @click.option(
        "--max-polls",
        type=click.IntRange(1),
        help="Stop after this many polls (for scripts and cron).",
    )
    def command(**options: Any) -> None:
        connection = split_connection(options)
        run(lambda: _tail(attribute, resource, connection, options))

    return command


def load_checkpoint(path: str) -> FollowCheckpoint:
    """The follow checkpoint at ``path`` (a new one if there is none); a damaged one is refused."""
    check_folder(path)
    try:
        return FollowCheckpoint.load(path) or FollowCheckpoint()
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise CheckpointError(path, f"is damaged ({exc})") from None


async def _tail(
    attribute: str,
    resource: type[Following[Any]],
    connection: dict[str, Any],
    options: dict[str, Any],
) -> None:
    since = options.pop("since")
    output = options.pop("output")
    properties = options.pop("properties")
    raw_csv = options.pop("raw_csv")
    poll_interval = options.pop("poll_interval")
    lookback = timedelta(seconds=options.pop("lookback"))
    checkpoint_path = options.pop("checkpoint")
    max_polls = options.pop("max_polls")
    filters = {k: v for k, v in options.items() if v is not None}
    checkpoint = load_checkpoint(checkpoint_path) if checkpoint_path else None
    printer = None
    if output != "text":
        printer = RecordPrinter(
            resource.list_endpoint.record,
            "jsonl" if output == "json" else output,
            properties,
            raw_csv=raw_csv,
        )

    def save(state: FollowCheckpoint) -> None:
        if checkpoint_path:
            state.save(Path(checkpoint_path))

    async with make_client(connection) as client:
        listing: Following[Any] = getattr(client, attribute)
        records = listing.follow(
            since=since,
            checkpoint=checkpoint,
            poll_interval=poll_interval,
            lookback=lookback,
            max_polls=max_polls,
            on_poll=save,
            **filters,
        )
        if printer is not None:
            printer.print_lines(())  # the CSV/TSV header first
        async for record in records:
            if printer is None:
                click.echo(_line(record))
            else:
                printer.print_lines((record,))
            if checkpoint is not None:
                save(checkpoint)
