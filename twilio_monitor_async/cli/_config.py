"""Where the CLI's connection settings come from besides flags: named profiles in a config file,
and ``TWILIO_MONITOR_BASE_URL``, so a session against a fake or a proxy needs no four
``--base-url`` flags on every call.

Precedence, highest first: command-line flags, the chosen profile (``-p NAME`` or
``TWILIO_MONITOR_PROFILE``), then the environment (twilio-cli's ``TWILIO_*`` variables and
``TWILIO_MONITOR_BASE_URL``). The config file is INI, at ``TWILIO_MONITOR_CONFIG`` or
``$XDG_CONFIG_HOME/twilio-monitor/config.ini`` (``~/.config/...``), one section per profile::

    [fake]
    account_sid = ACfa4efa4efa4efa4efa4efa4efa4efa4e
    auth_token = fake-auth-token-5f2b9c81d7
    base_url = http://127.0.0.1:8765
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click

from ..client import BASE_URL_ENV
from ..client import parse_base_urls as client_base_urls
from ..errors import ValidationError

__all__ = ["BASE_URL_ENV", "CONFIG_ENV", "PROFILE_ENV", "config_path", "connection_settings"]

CONFIG_ENV = "TWILIO_MONITOR_CONFIG"
PROFILE_ENV = "TWILIO_MONITOR_PROFILE"

_CREDENTIALS = ("account_sid", "auth_token", "api_key", "api_secret")
_SETTINGS = (*_CREDENTIALS, "region", "edge")
_PROFILE_KEYS = (*_SETTINGS, "base_url", "allow_insecure_http")


def config_path() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    root = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(root) / "twilio-monitor" / "config.ini"


def load_profile(name: str) -> dict[str, str]:
    """The settings of profile ``name``; a usage error naming the file when it is not there."""
    path = config_path()
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        raise click.BadParameter(
            f"no config file at {path} (set {CONFIG_ENV} or create it)", param_hint="--profile"
        ) from None
    except (OSError, configparser.Error) as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}", param_hint="--profile") from None
    if not parser.has_section(name):
        known = ", ".join(parser.sections()) or "none"
        raise click.BadParameter(
            f"no profile {name!r} in {path} (profiles: {known})", param_hint="--profile"
        )
    profile = dict(parser.items(name))
    unknown = sorted(set(profile) - set(_PROFILE_KEYS))
    if unknown:
        raise click.BadParameter(
            f"profile {name!r} in {path} has unknown keys {', '.join(unknown)} "
            f"(known: {', '.join(_PROFILE_KEYS)})",
            param_hint="--profile",
        )
    return profile


def parse_base_urls(values: Iterable[str], source: str) -> dict[str, str]:
    """``URL`` (every domain) or ``DOMAIN=URL`` items, each value possibly comma-separated."""
    urls: dict[str, str] = {}
    for value in values:
        try:
            urls.update(client_base_urls(value, source))
        except ValidationError as exc:
            raise click.BadParameter(exc.reason, param_hint=source) from None
    return urls


def connection_settings(
    connection: Mapping[str, tuple[Any, str]], profile_name: str | None
) -> dict[str, Any]:
    """Keyword arguments for the client from flags, the profile and the environment.

    ``connection`` maps an option to ``(value, "flag" | "env")``. A profile that names any
    credential replaces all credentials from the environment (never half of each).
    """
    name = profile_name or os.environ.get(PROFILE_ENV)
    profile = load_profile(name) if name else {}
    profile_has_credentials = any(key in profile for key in _CREDENTIALS)
    settings: dict[str, Any] = {}
    for key in _SETTINGS:
        value, source = connection.get(key, (None, ""))
        if source == "flag":
            settings[key] = value
        elif key in profile:
            settings[key] = profile[key]
        elif source == "env" and not (key in _CREDENTIALS and profile_has_credentials):
            settings[key] = value
    flags = connection.get("base_urls", ((), ""))
    if flags[1] == "flag" and flags[0]:
        base_urls = parse_base_urls(flags[0], "--base-url")
    elif "base_url" in profile:
        base_urls = parse_base_urls([profile["base_url"]], f"profile {name} base_url")
    else:
        base_urls = parse_base_urls([os.environ.get(BASE_URL_ENV, "")], BASE_URL_ENV)
    settings["base_urls"] = base_urls or None
    insecure, source = connection.get("allow_insecure_http", (None, ""))
    if source == "flag":
        settings["allow_insecure_http"] = bool(insecure)
    else:
        raw = profile.get("allow_insecure_http", "false").strip().lower()
        settings["allow_insecure_http"] = raw in ("1", "true", "yes", "on")
    return settings
