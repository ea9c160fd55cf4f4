"""The layering contract ([tool.importlinter] in pyproject.toml) holds, and would catch a breach."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "twilio_monitor_async"


def lint(where: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports with the project's contracts on the package found in ``where``."""
    script = (
        "import sys; from importlinter.cli import lint_imports_command;"
        f" sys.path.insert(0, {str(where)!r}); lint_imports_command()"
    )
    return subprocess.run(
        [sys.executable, "-c", script, "--config", str(where / "pyproject.toml"), "--no-cache"],
        cwd=where,
        # lint-imports prints through rich, which wraps at COLUMNS: one contract, one line.
        env={**os.environ, "COLUMNS": "1000"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_package_keeps_its_layers_and_has_no_import_circle() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("models/common.py", "from ..client import TwilioMonitorClient", "Layers"),
        ("testing/_state.py", "from . import _server", "testing"),
        ("resources/_base.py", "from . import alarms", "No import circle"),
    ],
)
def test_an_upward_import_or_a_circle_breaks_the_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    shutil.copytree(
        ROOT / PACKAGE, tmp_path / PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / PACKAGE / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = [text for text in result.stdout.splitlines() if text.endswith("BROKEN")]
    assert any(text.startswith(contract) for text in broken), result.stdout
