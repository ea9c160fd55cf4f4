"""What every command shares: the root group that turns every failure into one line and an exit
code, the global flags (``--debug``, ``--quiet``, ``--profile``, before or after the subcommand),
connection options, running a coroutine, and a resource's declared filters as options.

Exit codes (documented in the README and ``twilio-monitor --help``):
0 ok, 1 API error, 2 usage or refused argument, 3 authentication, 4 network, 5 ``status
--fail-on``, 6 file or I/O error, 7 unusable checkpoint, 130 interrupted (Ctrl-C). A reader that
closes the pipe early (``| head``) ends the command quietly with 0.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
import sys
import threading
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from .. import _dates, _endpoints
from .._files import CheckpointError
from ..client import DEFAULT_BASE_URLS, TwilioMonitorClient
from ..errors import (
    ApiError,
    AuthenticationError,
    TransportError,
    TwilioMonitorError,
    ValidationError,
)
from ..resources import Listing
from ._config import connection_settings
from ._console import stderr, visible

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2  # click's own code for usage errors, and ours for refused arguments
EXIT_AUTH = 3
EXIT_NETWORK = 4
EXIT_STATUS = 5  # `status --fail-on`: the status page is at or above the threshold
EXIT_FILE = 6  # an output or input file cannot be used (missing folder, exists, locked, disk full)
EXIT_CHECKPOINT = 7  # a checkpoint is damaged or belongs to another export
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports a process ended by SIGINT

#: Where the root context keeps what the global flags and the running command leave for the
#: error handler.
DEBUG = "twilio_monitor.debug"
QUIET = "twilio_monitor.quiet"
PROFILE = "twilio_monitor.profile"
ARGS = "twilio_monitor.args"
RESUME_HINT = "twilio_monitor.resume_hint"

LOGGER = logging.getLogger("twilio_monitor_async")


class CommandError(Exception):
    """A failure the CLI reports as one line with its own exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class RootGroup(click.Group):
    """The ``twilio-monitor`` group: it runs the command and reports every failure itself.

    Click would print usage errors over three lines, "Aborted!" for Ctrl-C with exit 1, and a
    traceback for anything else; scripts get one ``error: ...`` line and a documented code.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        ctx = super().make_context(info_name, list(args), parent=parent, **extra)
        ctx.meta[ARGS] = list(args)
        return ctx

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        arguments = list(sys.argv[1:] if args is None else args)
        prog_name = prog_name or "twilio-monitor"
        _take_ctrl_c()
        self._main_shell_completion(extra, prog_name, complete_var)
        ctx: click.Context | None = None
        level = LOGGER.level  # the CLI's logging lasts as long as the command (tests run many)
        try:
            with self.make_context(prog_name, arguments, **extra) as ctx:
                self.invoke(ctx)
            code = EXIT_OK
        except click.exceptions.Exit as exc:
            code = exc.exit_code
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else EXIT_API
        except BaseException as exc:
            code = report_failure(exc, ctx)
        finally:
            LOGGER.removeHandler(_HANDLER)
            LOGGER.setLevel(level)
        sys.exit(code)


def _take_ctrl_c() -> None:
    """Make SIGINT raise KeyboardInterrupt, as the commands promise (exit 130, the export's
    --resume line, fake-server's "Ctrl-C to stop"), even when started with SIGINT ignored, as
    a non-interactive shell starts its background jobs and Python then leaves it ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _root_meta() -> dict[str, Any]:
    context = click.get_current_context(silent=True)
    return context.find_root().meta if context is not None else {}


def report_failure(exc: BaseException, ctx: click.Context | None) -> int:
    """Print ``exc`` as one line on stderr (a traceback first with --debug); its exit code."""
    meta = ctx.meta if ctx is not None else _root_meta()
    if isinstance(exc, BrokenPipeError):
        _silence_stdout()
        return EXIT_OK
    if isinstance(exc, KeyboardInterrupt | click.Abort):
        hint = meta.get(RESUME_HINT)
        message = "interrupted" + (f"; continue with: {hint}" if hint else "")
        _error_line(message, prefix="")
        return EXIT_INTERRUPTED
    if meta.get(DEBUG) and not isinstance(exc, click.ClickException | CommandError):
        sys.stderr.write("".join(traceback.format_exception(exc)))
    if isinstance(exc, click.UsageError):
        where = exc.ctx.command_path if exc.ctx is not None else "twilio-monitor"
        _error_line(f"{exc.format_message()} (see '{where} --help')")
        return exc.exit_code
    if isinstance(exc, click.ClickException):
        _error_line(exc.format_message())
        return exc.exit_code
    if isinstance(exc, CommandError):
        _error_line(str(exc))
        return exc.exit_code
    if isinstance(exc, TwilioMonitorError | OSError):
        code = exit_code_for(exc)
        _error_line(_describe(exc))
        return code
    _error_line(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    return EXIT_API


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and not isinstance(exc, TwilioMonitorError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return str(exc)


def _error_line(message: str, *, prefix: str = "error: ") -> None:
    sys.stderr.write(prefix + visible(message) + "\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    """After the reader went away, point stdout at /dev/null so the interpreter's final flush
    does not complain about the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def exit_code_for(error: BaseException) -> int:
    if isinstance(error, CheckpointError):
        return EXIT_CHECKPOINT
    if isinstance(error, ValidationError):
        return EXIT_USAGE
    if isinstance(error, AuthenticationError):
        return EXIT_AUTH
    if isinstance(error, TransportError):
        return EXIT_NETWORK
    if isinstance(error, OSError):
        return EXIT_FILE
    if isinstance(error, ApiError):
        return EXIT_API
    return EXIT_API


# -- global flags --------------------------------------------------------------------------------
class _StderrHandler(logging.Handler):
    """Log lines on the current stderr (CliRunner swaps it), control characters made visible:
    ``warning: ...`` (none with --quiet), or every record in full with --debug."""

    debug = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.debug:
                line = f"{record.levelname} {record.name}: {record.getMessage()}"
            elif record.levelno < logging.ERROR and is_quiet():
                return
            else:
                line = f"{record.levelname.lower()}: {record.getMessage()}"
            sys.stderr.write(visible(line) + "\n")
        except Exception:
            self.handleError(record)


_HANDLER = _StderrHandler()


def configure_logging(debug: bool) -> None:
    """The CLI's own logging: warnings as ``warning: ...`` lines, everything with --debug."""
    if _HANDLER not in LOGGER.handlers:
        LOGGER.addHandler(_HANDLER)
    _HANDLER.debug = debug
    LOGGER.setLevel(logging.DEBUG if debug else logging.WARNING)


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    meta = ctx.find_root().meta
    if value or DEBUG not in meta:
        meta[DEBUG] = bool(value or meta.get(DEBUG))
        configure_logging(meta[DEBUG])


def _set_flag(key: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def store(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value:
            ctx.find_root().meta[key] = value

    return store


def global_options(command: F) -> F:
    """--debug, --quiet and --profile: accepted on the group and on every command."""
    options = [
        click.option(
            "--debug",
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_debug,
            help="Log every request and show tracebacks.",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_set_flag(QUIET),
            help="No progress bar and no summary lines on stderr (errors still print).",
        ),
        click.option(
            "-p",
            "--profile",
            expose_value=False,
            callback=_set_flag(PROFILE),
            help="A profile of the config file [env TWILIO_MONITOR_PROFILE].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def is_quiet() -> bool:
    return bool(_root_meta().get(QUIET))


def note(message: str) -> None:
    """An informational line on stderr, unless --quiet."""
    if not is_quiet():
        stderr().out(visible(message))


# -- connection ----------------------------------------------------------------------------------
CONNECTION_KEYS = (
    "account_sid",
    "auth_token",
    "api_key",
    "api_secret",
    "region",
    "edge",
    "base_urls",
    "allow_insecure_http",
)


def connection_options(command: F) -> F:
    """Credentials (environment or profile), region/edge, base URLs, and the global flags."""
    options = [
        click.option(
            "--account-sid",
            envvar="TWILIO_ACCOUNT_SID",
            help="Account SID [env TWILIO_ACCOUNT_SID].",
        ),
        click.option(
            "--auth-token",
            envvar="TWILIO_AUTH_TOKEN",
            help="Auth token [env TWILIO_AUTH_TOKEN; prefer the environment].",
        ),
        click.option(
            "--api-key", envvar="TWILIO_API_KEY", help="API key SID [env TWILIO_API_KEY]."
        ),
        click.option(
            "--api-secret",
            envvar="TWILIO_API_SECRET",
            help="API key secret [env TWILIO_API_SECRET].",
        ),
        click.option(
            "--region", envvar="TWILIO_REGION", help="Twilio region, e.g. au1 [env TWILIO_REGION]."
        ),
        click.option(
            "--edge", envvar="TWILIO_EDGE", help="Twilio edge, e.g. sydney [env TWILIO_EDGE]."
        ),
        click.option(
            "--base-url",
            "base_urls",
            multiple=True,
            metavar="[DOMAIN=]URL",
            help=(
                f"Point a domain ({', '.join(DEFAULT_BASE_URLS)}) or, without DOMAIN=, all of "
                "them elsewhere [env TWILIO_MONITOR_BASE_URL: a URL, or DOMAIN=URL pairs "
                "separated by commas]."
            ),
        ),
        click.option(
            "--allow-insecure-http",
            is_flag=True,
            default=None,
            help="Allow plain http:// to a host that is not loopback (a fake in a container).",
        ),
    ]
    command = global_options(command)
    for option in reversed(options):
        command = option(command)
    return command


def split_connection(options: dict[str, Any]) -> dict[str, Any]:
    """Remove the connection options from ``options`` and return them, each with where it
    came from (``"flag"``, ``"env"`` or absent), which decides its precedence over a profile."""
    context = click.get_current_context()
    connection: dict[str, Any] = {}
    for key in CONNECTION_KEYS:
        if key not in options:
            continue
        value = options.pop(key)
        source = context.get_parameter_source(key)
        if source is ParameterSource.COMMANDLINE:
            connection[key] = (value, "flag")
        elif source is ParameterSource.ENVIRONMENT:
            connection[key] = (value, "env")
    return connection


def make_client(connection: Mapping[str, Any], **extra: Any) -> TwilioMonitorClient:
    """A client from flags, then the chosen profile, then the environment (in that order)."""
    settings = connection_settings(connection, _root_meta().get(PROFILE))
    return TwilioMonitorClient(**settings, **extra)


def run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine; a refused argument is reported with the flag that carries it."""
    try:
        return asyncio.run(_call(factory))
    except ValidationError as error:
        raise CommandError(_flag_named(error), EXIT_USAGE) from error


async def _call(factory: Callable[[], Awaitable[T]]) -> T:
    return await factory()


def _flag_named(error: ValidationError) -> str:
    """``start_date: ...`` becomes ``--start-date: ...`` when the command has that option."""
    context = click.get_current_context(silent=True)
    message = str(error)
    if context is None:
        return message
    for param in context.command.params:
        if param.name == error.field and isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            return flag + message[len(error.field) :]
    return message


def set_resume_hint(extra_args: Sequence[str]) -> None:
    """Remember the command line that continues this run (printed if it is interrupted), with
    any secret given as a flag left out."""
    meta = _root_meta()
    args: list[str] = []
    skip = False
    for arg in meta.get(ARGS, []):
        if skip:
            skip = False
            continue
        name = arg.split("=", 1)[0]
        if name in ("--auth-token", "--api-secret"):
            skip = "=" not in arg
            continue
        if name in ("--force",) or arg in extra_args:
            continue
        args.append(arg)
    meta[RESUME_HINT] = shlex.join(["twilio-monitor", *args, *extra_args])


# -- filters -------------------------------------------------------------------------------------
def filter_options(listing: type[Listing[Any]], *, skip: tuple[str, ...] = ()) -> Callable[[F], F]:
    """A click option for every filter the resource's list endpoint declares; dates get
    ``--start-date/--start`` and ``--end-date/--end``."""

    def decorate(command: F) -> F:
        args = listing.list_endpoint.args
        for name in reversed(list(args)):
            arg = args[name]
            if arg.location == "path" or name in skip:
                continue
            flag = "--" + name.replace("_", "-")
            wire = arg.wire or name
            if name in ("start_date", "end_date"):
                short = "--" + name.split("_")[0]
                which = "on or after" if name == "start_date" else "on or before"
                command = click.option(
                    flag,
                    short,
                    name,
                    help=f"Only records {which} this date/time (ISO 8601; {short} for short).",
                )(command)
            elif arg.encode is _endpoints.boolean:
                command = click.option(
                    flag, name, type=click.BOOL, help=f"Filter {wire} (true/false)."
                )(command)
            else:
                command = click.option(flag, name, help=f"Filter {wire}.")(command)
        return command

    return decorate


def check_date_range(filters: Mapping[str, Any]) -> None:
    """Refuse a start after the end as a usage error, naming both flags."""
    start, end = filters.get("start_date"), filters.get("end_date")
    if not start or not end:
        return
    first = _dates.as_utc_datetime("start_date", start)
    last = _dates.as_utc_datetime("end_date", end, end_of_day=True)  # a plain end date: all of it
    if first > last:
        raise click.UsageError(f"--start-date ({start}) is after --end-date ({end})")


def fail(message: str, exit_code: int) -> NoReturn:
    raise CommandError(message, exit_code)
