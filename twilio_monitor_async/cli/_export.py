"""``twilio-monitor export RESOURCE``: a resumable export of any list, with a progress bar.

One subcommand per exportable resource, each with that resource's declared filters as options,
so ``export alerts --help`` lists exactly what the Alerts API can filter on. The output file is
checked before any request, never silently replaced, and its checkpoint removed when finished.
"""

from __future__ import annotations

import time
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from .._files import check_folder
from ..errors import ValidationError
from ..export import FORMATS, detail_fetcher, listing_walks, run_export
from ..resources import Fetching, Listing
from ._common import (
    check_date_range,
    connection_options,
    filter_options,
    is_quiet,
    make_client,
    note,
    run,
    set_resume_hint,
    split_connection,
)
from ._console import stderr
from ._list import Listable, extra_options
from ._output import output_options, parse_properties


def _query(resource: str, filters: dict[str, Any], details: bool) -> dict[str, Any]:
    return {
        "resource": resource,
        "filters": {k: str(v) for k, v in sorted(filters.items())},
        "details": details,
    }


def add_export_commands(group: click.Group, exportables: dict[str, Listable]) -> None:
    for name, spec in exportables.items():
        group.add_command(_make_command(name, spec))


def _make_command(name: str, spec: Listable) -> click.Command:
    @click.command(
        name, help=f"Export {name.replace('-', ' ')} (every filter of its list is an option)."
    )
    @connection_options
    @filter_options(spec.resource)
    @output_options(FORMATS, aliases=("--format",), default="jsonl")
    @click.option(
        "--out",
        "out",
        type=click.Path(dir_okay=False),
        help="Output file (default: standard output); refused if it exists, unless --resume or --force.",
    )
    @click.option("--force", is_flag=True, help="Replace an existing output file.")
    @click.option(
        "--resume", is_flag=True, help="Continue an interrupted export from its checkpoint."
    )
    @click.option(
        "--concurrency",
        type=click.IntRange(1, 200),
        default=None,
        help="Most parallel requests for --with-details (default: as many as the account's "
        "concurrency limit allows, found as the export runs, up to 100).",
    )
    @click.option(
        "--with-details",
        is_flag=True,
        help="Fetch each record's instance view (request/response detail; the file is made 0600).",
    )
    @click.option("--page-size", type=click.IntRange(1, 1000), default=1000, show_default=True)
    @click.option("--no-progress", is_flag=True, help="No progress bar.")
    def command(**options: Any) -> None:
        connection = split_connection(options)
        run(lambda: _export(name, spec, connection, options))

    if spec.dated:
        command = click.option(
            "--shards",
            type=click.IntRange(1, 64),
            default=1,
            show_default=True,
            help="Time windows walked at once (needs --start-date and --end-date).",
        )(command)
    return extra_options(spec, command)


async def _export(
    name: str, spec: Listable, connection: dict[str, Any], options: dict[str, Any]
) -> None:
    fmt = options.pop("output")
    out = options.pop("out")
    force = options.pop("force")
    shards = options.pop("shards", 1)
    concurrency = options.pop("concurrency")
    details = options.pop("with_details")
    page_size = options.pop("page_size")
    resume = options.pop("resume")
    hide_progress = options.pop("no_progress") or is_quiet()
    columns = parse_properties(options.pop("properties"))
    raw_csv = options.pop("raw_csv")
    filters = {k: v for k, v in options.items() if v is not None}
    check_date_range(filters)
    if resume and force:
        raise click.UsageError("--resume and --force cannot be combined")
    if out is not None:
        check_folder(out)  # before any request
        set_resume_hint([] if resume else ["--resume"])
    async with make_client(connection) as client:
        listing: Listing[Any] = getattr(client, spec.attribute)
        record_type = listing.list_endpoint.record
        transform = None
        if details:
            if not isinstance(listing, Fetching):
                raise ValidationError("with_details", f"{name} has no instance view to fetch")
            record_type = listing.fetch_endpoint.record
            transform = detail_fetcher(listing, concurrency)
        try:
            walks = listing_walks(listing, filters, page_size=page_size, shards=shards)
        except ValidationError as error:
            if error.field == "shards":
                raise click.UsageError("--shards needs both --start-date and --end-date") from None
            raise
        assert record_type is not None
        started = time.perf_counter()
        with progress_bar(name, disabled=hide_progress or out is None) as advance:
            result = await run_export(
                walks,
                record_type=record_type,
                query=_query(name, filters, details),
                out=out,
                format=fmt,
                resume=resume,
                overwrite=force,
                private=details,
                columns=columns,
                safe_cells=not raw_csv,
                transform=transform,
                on_records=advance,
            )
        elapsed = time.perf_counter() - started
        if result.already_done:
            note(
                f"Nothing to do: {result.path} already holds the finished export ({result.records:,} {name})."
            )
            return
        fresh = result.records - result.resumed_from
        resumed = f" (resumed after {result.resumed_from:,})" if result.resumed_from else ""
        where = f" to {result.path}" if result.path else ""
        note(
            f"Exported {result.records:,} {name}{where}{resumed} in {elapsed:.1f}s "
            f"({fresh / elapsed if elapsed else 0:,.0f} records/s, {client.stats.requests:,} requests, "
            f"{client.stats.total_retries:,} retries; {client.stats.concurrency.summary()})."
        )


class progress_bar:
    """A rich progress line on stderr: records so far and records per second.

    Only on a terminal: in a pipe or a log file a progress bar is noise (and rich would print
    its last frame as a line cut to the width it guessed)."""

    def __init__(self, name: str, *, disabled: bool) -> None:
        console = stderr()
        self._progress = Progress(
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(bar_width=None),
            TextColumn("{task.completed:,} records"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
            disable=disabled or not console.is_terminal,
            transient=False,
        )
        self._task = self._progress.add_task(f"export {name}", total=None, rate="")
        self._started = time.perf_counter()
        self._count = 0

    def __enter__(self) -> Any:
        self._progress.__enter__()
        return self.advance

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)

    def advance(self, count: int) -> None:
        self._count += count
        elapsed = time.perf_counter() - self._started
        rate = f"{self._count / elapsed:,.0f}/s" if elapsed > 0 else ""
        self._progress.update(self._task, advance=count, rate=rate)
