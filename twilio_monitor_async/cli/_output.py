"""Printing records, the same way in every command: ``-o/--output`` table, json, jsonl, csv or
tsv (a table on a terminal, JSON lines when piped), ``--properties`` to pick the columns.

Tables are for people: every cell has its control characters made visible, and nothing is read
as markup. The data formats are the export's writer (``ExportWriter``), so ``list -o csv`` and
``export --output csv`` write the same, spreadsheet-safe, cells.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import click
import orjson
from rich.table import Table

from ..errors import ValidationError
from ..export import FORMULA_PREFIX, ExportWriter, LineFormat, columns_of
from ._console import stdout, visible

__all__ = ["OUTPUTS", "RecordPrinter", "output_options"]

F = TypeVar("F", bound=Callable[..., Any])

OUTPUTS = ("table", "json", "jsonl", "csv", "tsv")


def output_options(
    choices: Sequence[str] = OUTPUTS, *, aliases: Sequence[str] = (), default: str | None = None
) -> Callable[[F], F]:
    """``-o/--output``, ``--properties`` and ``--raw-csv`` (``aliases`` are older flag names)."""
    automatic = "table on a terminal, jsonl when piped" if "table" in choices else None
    help_default = default or automatic

    def decorate(command: F) -> F:
        command = click.option(
            "--raw-csv",
            is_flag=True,
            help=f"Write CSV/TSV cells as they are (by default a cell that starts a formula gets {FORMULA_PREFIX}).",
        )(command)
        command = click.option(
            "--properties",
            metavar="FIELD,...",
            help="The fields to print, comma-separated, in this order (default: a few for tables, all otherwise).",
        )(command)
        return click.option(
            "-o",
            "--output",
            *aliases,
            "output",
            type=click.Choice(list(choices)),
            default=default,
            help=f"Output format [default: {help_default}].",
        )(command)

    return decorate


def parse_properties(properties: str | None) -> list[str] | None:
    if properties is None:
        return None
    names = [name.strip() for name in properties.split(",") if name.strip()]
    if not names:
        raise click.BadParameter("name at least one field", param_hint="--properties")
    return names


class RecordPrinter:
    """Prints records of one type to stdout in the chosen output format."""

    def __init__(
        self,
        record_type: type[Any] | None,
        output: str | None,
        properties: str | None,
        *,
        table_columns: Sequence[str] = (),
        raw_csv: bool = False,
    ) -> None:
        assert record_type is not None, "a list endpoint always declares its record"
        self.output = output or ("table" if stdout().is_terminal else "jsonl")
        columns = parse_properties(properties)
        if columns is None and self.output == "table":
            known = columns_of(record_type)
            columns = [name for name in table_columns if name in known] or known[:6]
        line_format: LineFormat = (
            "csv" if self.output == "csv" else "tsv" if self.output == "tsv" else "jsonl"
        )
        try:
            self.writer = ExportWriter(
                record_type, line_format, columns=columns, safe_cells=not raw_csv
            )
        except ValidationError as error:
            raise click.BadParameter(
                str(error).removeprefix("columns: "), param_hint="--properties"
            ) from None
        self._started = False

    @property
    def is_table(self) -> bool:
        return self.output == "table"

    def print_all(self, records: Sequence[Any], *, title: str | None = None) -> None:
        """Every record at once: a table, a JSON array, or lines."""
        if self.output == "table":
            stdout().print(self.table(records, title=title))
        elif self.output == "json":
            rows = [self.writer.row(record) for record in records]
            _write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            self.print_lines(records)

    def print_lines(self, records: Iterable[Any]) -> None:
        """Records as they come (``json`` is JSON lines here), the header before the first."""
        if not self._started:
            self._started = True
            _write(self.writer.header().decode())
        _write(self.writer.encode(records).decode())

    def table(self, records: Iterable[Any], *, title: str | None = None) -> Table:
        table = Table(title=title, title_justify="left")
        for name in self.writer.columns:
            table.add_column(name, no_wrap=name.endswith("sid"))  # a SID must stay copyable
        for record in records:
            table.add_row(*(visible(cell) for cell in self.writer.cells(record)))
        return table


def _write(text: str) -> None:
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()
