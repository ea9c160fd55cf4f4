"""``twilio-monitor alarms``: list, get, create, update, delete, enable and disable alarms.

A configuration comes from flags or from a JSON file (snake_case or the API's camelCase keys);
every rule of the Alarms API is checked by the library before anything is sent, and a refusal
names the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import orjson
from rich.table import Table

from ..errors import ValidationError
from ..models.alarms import AlarmConfig, QueryType, TimeWindow
from ..models.converter import converter
from ._common import connection_options, make_client, run, split_connection
from ._console import stdout, visible
from ._list import RESOURCES, make_list_command

_REQUIRED = ("friendly_name", "description", "query_type", "trigger_value", "time_window")
_FIELDS = (*_REQUIRED, "query", "email", "webhook", "console_indicator", "enabled")


@click.group("alarms")
def alarms() -> None:
    """Manage Monitor v2 alarms (private beta)."""


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _config(options: dict[str, Any], current: Any = None) -> AlarmConfig:
    """An AlarmConfig from --from-file and/or flags (flags win); names a missing field.

    With ``current`` (the alarm as it is), the fields not given keep their current values."""
    values: dict[str, Any] = {}
    if current is not None:
        values.update(
            {
                name: getattr(current, name)
                for name in _FIELDS
                if getattr(current, name, None) is not None
            }
        )
    source = options.pop("from_file", None)
    if source:
        try:
            doc = orjson.loads(Path(source).read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise ValidationError(
                "from_file", f"cannot read a JSON object from {source}: {exc}"
            ) from None
        if not isinstance(doc, dict):
            raise ValidationError("from_file", "must hold a JSON object")
        values.update({_snake(k): v for k, v in doc.items() if _snake(k) in _FIELDS})
    for name in _FIELDS:
        value = options.pop(name, None)
        if value is not None and value != ():
            values[name] = list(value) if name == "email" else value
    for name in _REQUIRED:
        if values.get(name) is None:
            raise ValidationError(
                name, f"is required (--{name.replace('_', '-')} or in --from-file)"
            )
    return AlarmConfig(**values)


def config_options(command: Any) -> Any:
    options = [
        click.option(
            "--from-file",
            type=click.Path(exists=True, dir_okay=False),
            help="JSON file with the configuration.",
        ),
        click.option("--friendly-name", help="1..64 letters, digits and spaces."),
        click.option("--description"),
        click.option(
            "--query-type", type=click.Choice([q.value for q in QueryType], case_sensitive=False)
        ),
        click.option(
            "--query", help="An error code for ERROR_CODE; WARNING, ERROR or INFO for LOG_LEVEL."
        ),
        click.option(
            "--trigger-value", type=int, help="Alert count that triggers the alarm (>= 1)."
        ),
        click.option(
            "--time-window", type=click.Choice([t.value for t in TimeWindow], case_sensitive=False)
        ),
        click.option("--email", multiple=True, help="Address to notify (repeat, up to 25)."),
        click.option("--webhook", help="URL to notify."),
        click.option("--console-indicator/--no-console-indicator", default=None),
        click.option("--enabled/--disabled", default=None),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _show(alarm: Any, as_json: bool) -> None:
    row = converter.unstructure(alarm)
    if as_json:
        click.echo(orjson.dumps(row).decode())
        return
    table = Table(show_header=False, title=f"Alarm {row.get('sid')}", title_justify="left")
    for key, value in row.items():
        if value not in (None, (), []):
            text = ", ".join(value) if isinstance(value, list | tuple) else str(value)
            table.add_row(key, visible(text))
    stdout().print(table)


alarms.add_command(make_list_command("list", RESOURCES["alarms"]))


@alarms.command("get")
@connection_options
@click.argument("sid")
@click.option(
    "-o", "--output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as -o json.")
def get_alarm(sid: str, output: str, as_json: bool, **options: Any) -> None:
    """Show one alarm."""
    connection = split_connection(options)

    async def go() -> None:
        async with make_client(connection) as client:
            _show(await client.alarms.fetch(sid), as_json or output == "json")

    run(go)


@alarms.command("create")
@connection_options
@config_options
@click.option(
    "--idempotency-token", help="Makes the create safe to repeat (default: a fresh UUID)."
)
def create_alarm(idempotency_token: str | None, **options: Any) -> None:
    """Create an alarm from flags or --from-file; prints its SID."""
    connection = split_connection(options)

    async def go() -> None:
        config = _config(options)
        async with make_client(connection) as client:
            sid = await client.alarms.create(config, idempotency_token=idempotency_token)
        click.echo(sid)

    run(go)


@alarms.command("update")
@connection_options
@click.argument("sid")
@config_options
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the whole configuration (every required field must be given).",
)
def update_alarm(sid: str, replace: bool, **options: Any) -> None:
    """Change an alarm: the fields given (flags or --from-file), the others kept as they are."""
    connection = split_connection(options)

    async def go() -> None:
        async with make_client(connection) as client:
            if replace:
                config = _config(options)
            else:
                config = _config(options, await client.alarms.fetch(sid))
            click.echo(await client.alarms.update(sid, config))

    run(go)


def _simple(name: str, help_text: str, action: Any) -> click.Command:
    @alarms.command(name, help=help_text)
    @connection_options
    @click.argument("sid")
    def command(sid: str, **options: Any) -> None:
        connection = split_connection(options)

        async def go() -> None:
            async with make_client(connection) as client:
                await action(client, sid)
            click.echo(f"{name}d {sid}")

        run(go)

    return command


_simple("delete", "Delete an alarm.", lambda client, sid: client.alarms.delete(sid))
_simple("enable", "Enable an alarm.", lambda client, sid: client.alarms.set_enabled(sid, True))
_simple("disable", "Disable an alarm.", lambda client, sid: client.alarms.set_enabled(sid, False))
