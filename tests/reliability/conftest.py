"""Reliability suite plumbing: print the figures the tests gathered (see _figures)."""

from __future__ import annotations

import pytest

from ._figures import report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = report()
    if lines:
        terminalreporter.section("reliability figures")
        for line in lines:
            terminalreporter.write_line(line)
