"""What every command shares: connection options, one-line errors with distinct exit codes,
running a coroutine, and turning a resource's declared filters into command-line options."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import click

from .. import _params
from ..client import DEFAULT_BASE_URLS, TwilioMonitorClient
from ..errors import (
    ApiError,
    AuthenticationError,
    TransportError,
    TwilioMonitorError,
    ValidationError,
)
from ..resources import Listing
from ._console import stderr

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes, distinct so that scripts can tell failures apart.
EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2  # click's own code for usage errors, and ours for refused arguments
EXIT_AUTH = 3
EXIT_NETWORK = 4
EXIT_STATUS = 5  # `status --fail-on`: the status page is at or above the threshold


def connection_options(command: F) -> F:
    """Credentials (environment first), region/edge, base URL overrides, --debug."""
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
            metavar="DOMAIN=URL",
            help=f"Point a domain ({', '.join(DEFAULT_BASE_URLS)}) elsewhere, e.g. monitor=http://127.0.0.1:8765.",
        ),
        click.option("--debug", is_flag=True, help="Log requests and show tracebacks."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


CONNECTION_KEYS = (
    "account_sid",
    "auth_token",
    "api_key",
    "api_secret",
    "region",
    "edge",
    "base_urls",
    "debug",
)


def split_connection(options: dict[str, Any]) -> dict[str, Any]:
    """Remove the connection options from ``options`` and return them."""
    return {key: options.pop(key) for key in CONNECTION_KEYS if key in options}


def make_client(connection: Mapping[str, Any], **extra: Any) -> TwilioMonitorClient:
    base_urls: dict[str, str] = {}
    for item in connection.get("base_urls") or ():
        domain, sep, url = item.partition("=")
        if not sep or not url:
            raise click.BadParameter(f"{item!r} is not DOMAIN=URL", param_hint="--base-url")
        base_urls[domain.strip()] = url.strip()
    return TwilioMonitorClient(
        connection.get("account_sid"),
        connection.get("auth_token"),
        api_key=connection.get("api_key"),
        api_secret=connection.get("api_secret"),
        region=connection.get("region"),
        edge=connection.get("edge"),
        base_urls=base_urls or None,
        **extra,
    )


def run(debug: bool, factory: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine; print any library error as one line and exit with its code."""
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(_call(factory))
    except KeyboardInterrupt:
        stderr().print("Interrupted.")
        sys.exit(130)
    except TwilioMonitorError as error:
        if debug:
            stderr().print_exception()
        stderr().print(f"[bold red]error:[/] {error}", markup=True, soft_wrap=True)
        sys.exit(exit_code_for(error))


async def _call(factory: Callable[[], Awaitable[T]]) -> T:
    return await factory()


def exit_code_for(error: TwilioMonitorError) -> int:
    if isinstance(error, ValidationError):
        return EXIT_USAGE
    if isinstance(error, AuthenticationError):
        return EXIT_AUTH
    if isinstance(error, TransportError):
        return EXIT_NETWORK
    if isinstance(error, ApiError):
        return EXIT_API
    return EXIT_API


def filter_options(listing: type[Listing[Any]], *, skip: tuple[str, ...] = ()) -> Callable[[F], F]:
    """A click option for every filter the resource's list endpoint declares."""

    def decorate(command: F) -> F:
        args = listing.list_endpoint.args
        for name in reversed(list(args)):
            arg = args[name]
            if arg.location == "path" or name in skip:
                continue
            flag = "--" + name.replace("_", "-")
            wire = arg.wire or name
            if arg.encode is _params.boolean:
                command = click.option(
                    flag, name, type=click.BOOL, help=f"Filter {wire} (true/false)."
                )(command)
            else:
                command = click.option(flag, name, help=f"Filter {wire}.")(command)
        return command

    return decorate
