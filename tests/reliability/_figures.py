"""The figures of the reliability suite, gathered while it runs and printed at the end.

Each test adds what it did (faults injected, retries by cause, records checked, crash trials,
hypothesis examples) so that one run of the suite reports them; the README section
"Reliability and security" quotes a run of this report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

#: figure group -> counter name -> value, summed over the session.
FIGURES: dict[str, Counter[str]] = {}


def add(group: str, values: Mapping[str, int]) -> None:
    FIGURES.setdefault(group, Counter()).update({k: v for k, v in values.items() if v})


def report() -> list[str]:
    lines = []
    for group in sorted(FIGURES):
        counts = FIGURES[group]
        detail = ", ".join(f"{name}={counts[name]:,}" for name in sorted(counts))
        lines.append(f"{group}: {detail}")
    return lines
