"""The two consoles a command writes to, made when the command runs and shaped by where they go,
and ``visible()``, which makes server and user text safe to show.

On a terminal, rich wraps to the window and draws colours and progress bars. Anywhere else (a
pipe, a file, a CI log) the reader is a script or a later human with another window, so nothing
is wrapped, folded or cut: one logical line stays one line and a table keeps every character of
every cell, whatever ``COLUMNS`` says. The consoles are built on first use inside a command (not at
import) so that they bind to the streams of that run, which is also what ``CliRunner`` swaps.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

import click
from rich.console import Console

__all__ = ["stderr", "stdout", "visible"]

#: The width given to a console that does not write to a terminal: wide enough that no table
#: is ever squeezed, while rich still lays a table out at its natural width.
UNBOUNDED_WIDTH = 1_000_000


#: Control characters (C0, DEL, C1) and the bidirectional overrides that reorder what a reader
#: sees: text from a server or a user must not move the cursor, recolour the terminal, or hide.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: object) -> str:
    """``text`` as a string with every control character and escape sequence written out
    (``\\x1b[31m`` stays readable instead of turning the terminal red), for human output."""
    return _HIDDEN.sub(_escape, str(text))


def make_console(stream: TextIO) -> Console:
    """A console for ``stream``: the terminal's width on a terminal, no wrapping elsewhere.

    Markup and emoji codes are off: every string is printed as it is (``[link=...]`` or
    ``[/]`` in an alert is text, not an instruction); styles come from ``rich.text.Text``.
    """
    terminal = stream.isatty()
    return Console(
        file=stream,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=not terminal,
        width=None if terminal else UNBOUNDED_WIDTH,
    )


def _console(name: str, stream: TextIO) -> Console:
    context = click.get_current_context(silent=True)
    if context is None:
        return make_console(stream)
    cache = context.find_root().meta
    key = f"twilio_monitor.console.{name}"
    console = cache.get(key)
    if not isinstance(console, Console) or console.file is not stream:
        console = cache[key] = make_console(stream)
    return console


def stdout() -> Console:
    """The console of standard output (records, tables, summaries asked for)."""
    return _console("stdout", sys.stdout)


def stderr() -> Console:
    """The console of standard error (progress, one-line summaries, errors)."""
    return _console("stderr", sys.stderr)
