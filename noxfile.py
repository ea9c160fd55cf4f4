"""Sessions: tests (on every Python the package claims), lint (ruff), typecheck (mypy --strict),
bench (benchmarks against the fake).

The interpreters come from pyenv, which these machines have but keep off PATH: each installed
``$(pyenv root)/versions/3.x.y/bin`` is put on PATH here so that nox finds ``python3.x``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.default_venv_backend = "venv"


def _pyenv_root() -> Path | None:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        found = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        default = Path.home() / ".pyenv"
        return default if default.is_dir() else None
    return Path(found.stdout.strip())


def _put_pyenv_pythons_on_path() -> None:
    root = _pyenv_root()
    if root is None:
        return
    bins = sorted(str(p / "bin") for p in (root / "versions").glob("3.*") if (p / "bin").is_dir())
    os.environ["PATH"] = os.pathsep.join([*bins, os.environ.get("PATH", "")])


_put_pyenv_pythons_on_path()


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test,parquet]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    session.install("-e", ".[bench]")
    session.run("python", "-m", "benchmarks", *session.posargs)
