"""``twilio-monitor status``: the Twilio status page as a table, and an exit code for scripts."""

from __future__ import annotations

from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..models.converter import converter
from ..models.status_page import StatusSummary
from ._common import EXIT_STATUS, connection_options, make_client, run, split_connection
from ._console import stdout, visible

#: How bad each indicator is; ``maintenance`` counts as ``minor``.
SEVERITY = {"none": 0, "maintenance": 1, "minor": 1, "major": 2, "critical": 3}


def severity(indicator: str | None) -> int:
    return SEVERITY.get(indicator or "none", 1)  # an indicator this version does not know: minor


@click.command("status")
@connection_options
@click.option(
    "-o",
    "--output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="The summary as tables or as JSON.",
)
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as -o json.")
@click.option(
    "--fail-on",
    type=click.Choice(["minor", "major", "critical"]),
    help=f"Exit with code {EXIT_STATUS} when the indicator is at or above this level.",
)
def status(output: str, as_json: bool, fail_on: str | None, **options: Any) -> None:
    """Show the Twilio status page: indicator, components not operational, incidents, maintenance."""
    connection = split_connection(options)

    async def go() -> StatusSummary:
        async with make_client(connection) as client:
            return await client.status_page.summary()

    summary = run(go)
    if as_json or output == "json":
        click.echo(orjson.dumps(converter.unstructure(summary)).decode())
    else:
        print_summary(stdout(), summary)
    indicator = (
        str(summary.status.indicator) if summary.status and summary.status.indicator else "none"
    )
    if fail_on is not None and severity(indicator) >= SEVERITY[fail_on]:
        click.get_current_context().exit(EXIT_STATUS)


def _table(*columns: str, title: str) -> Table:
    return Table(*columns, title=title, title_justify="left")


def print_summary(console: Console, summary: StatusSummary, *, limit: int = 20) -> None:
    """The summary as tables; every name and text from the page is printed literally."""
    indicator = str(summary.status.indicator) if summary.status else "unknown"
    description = summary.status.description if summary.status else ""
    colour = {"none": "green", "minor": "yellow", "maintenance": "blue"}.get(indicator, "red")
    name = summary.page.name if summary.page and summary.page.name else "Status page"
    console.print(
        Text.assemble(
            (visible(name), "bold"),
            ": ",
            (visible(indicator), colour),
            " ",
            visible(description or ""),
        )
    )
    down = summary.not_operational()
    groups = {c.id: c.name for c in summary.components if c.group}
    if down:
        table = _table("component", "group", "status", title="Not operational")
        for component in down[:limit]:
            table.add_row(
                visible(component.name or "-"),
                visible(groups.get(component.group_id) or "-"),
                visible(component.status),
            )
        if len(down) > limit:
            table.add_row(f"... and {len(down) - limit} more", "", "")
        console.print(table)
    else:
        console.print(
            f"All {sum(1 for c in summary.components if not c.group)} components operational."
        )
    if summary.incidents:
        table = _table("incident", "status", "impact", "latest update", title="Open incidents")
        for incident in summary.incidents:
            latest = incident.incident_updates[0].body if incident.incident_updates else ""
            table.add_row(
                visible(incident.name or "-"),
                visible(incident.status),
                visible(incident.impact),
                visible((latest or "")[:80]),
            )
        console.print(table)
    if summary.scheduled_maintenances:
        table = _table("maintenance", "status", "from", "until", title="Maintenance")
        for window in summary.scheduled_maintenances:
            table.add_row(
                visible(window.name or "-"),
                visible(window.status),
                f"{window.scheduled_for:%Y-%m-%d %H:%M}Z" if window.scheduled_for else "-",
                f"{window.scheduled_until:%Y-%m-%d %H:%M}Z" if window.scheduled_until else "-",
            )
        console.print(table)
