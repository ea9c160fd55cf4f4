"""The README's shell examples run as written, and print what the README says they print.

Convention (stated in the README): every ``console`` block is a session. Each ``$`` line (with
its ``\\`` continuations) runs in ``bash`` in a scratch folder against the fake as
``twilio-monitor fake-server --no-live`` serves it, with its credentials and
``TWILIO_MONITOR_BASE_URL`` in the environment; the lines up to the next ``$`` are its expected
output (stdout and stderr together), where ``...`` stands for any text (doctest's ELLIPSIS). The
commands of one block share one shell, so ``echo $?`` sees the previous command's code. A
``fake-server`` command is started on a free port (in place of 8765), read until it says how to
stop it, and stopped.

Every ``python`` block is a complete program, run as a user who pasted it would run it:
``python example.py`` in a scratch folder, in its own process, with the fake's
``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN`` and ``TWILIO_MONITOR_BASE_URL`` in the environment
(``TwilioMonitorClient.from_env()`` reads all three; a block that starts its own ``FakeTwilio``
needs none). This fake is a live account as ``twilio-monitor fake-server`` serves it (data
ending now, an open incident; its clock does not tick here), so "the last 6 hours" and
``follow()`` find records. A block must exit 0 with nothing on stderr (no warning, no unclosed
session) and must end by itself (``max_polls=``, not a timeout). A ``text`` block that follows
it (with at most one paragraph ending in a colon between, such as "It prints:") is its standard
output, ``...`` matching any text. A block that defines ``test_*`` functions is a pytest file
instead: it is run with ``python -m pytest`` in a scratch folder whose ``pyproject.toml`` is the
README's ``toml`` block (pytest-asyncio's settings), and its tests must pass.

The ``ini`` block (a profile) is written to a config file, its ``base_url`` pointed at the
fake's port, and used with ``-p fake``. The ``bash`` blocks are set-up and development commands
(make a venv, install, run ``pytest`` or ``nox``) and are not run here: the test command would
run this suite inside itself, and installing takes minutes. Instead: ``.ci/run`` must run the
README's test line verbatim, the extras and nox sessions they name must exist, and the demo
line's last command, ``twilio-monitor demo``, is run as a process and must exit 0.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from twilio_monitor_async.testing import FakeTwilio, live_account

from .integration.cli_support import connection_env, fake_in_thread

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```console[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*\n", re.MULTILINE | re.DOTALL)
MARKER = "@@@ readme command {} done @@@"
CHECKER = doctest.OutputChecker()


def sessions() -> list[list[tuple[str, str]]]:
    """Each console block as a list of (command, expected output)."""
    found = []
    for block in BLOCK.findall(README.read_text()):
        steps: list[tuple[str, list[str]]] = []
        continued = False
        for line in block.splitlines():
            if continued:
                command, expected = steps[-1]
                steps[-1] = (command[:-1] + " " + line.strip(), expected)
            elif line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
            continued = steps[-1][0].endswith("\\")
        found.append([(command, "\n".join(expected)) for command, expected in steps])
    return found


@pytest.fixture(scope="module")
def served() -> FakeTwilio:  # type: ignore[misc]
    with fake_in_thread(alerts=2000, events=500) as fake:  # fake-server --no-live's defaults
        yield fake


def shell_env(fake: FakeTwilio) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        **connection_env(fake),
        "TWILIO_MONITOR_BASE_URL": fake.url,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "COLUMNS": "40",  # whatever the window says, piped output is never wrapped
    }


def matches(expected: str, actual: str) -> bool:
    return CHECKER.check_output(expected.rstrip() + "\n", actual.rstrip() + "\n", doctest.ELLIPSIS)


def run_session(steps: list[tuple[str, str]], fake: FakeTwilio, folder: Path) -> list[str]:
    """Run one block's commands in one shell; the mismatches, described."""
    if steps[0][0].startswith("twilio-monitor fake-server"):
        return [problem for step in steps if (problem := run_server(step, fake, folder))]
    script = []
    for index, (command, _) in enumerate(steps):
        script.append(f"{command} 2>&1\n__rc=$?; echo '{MARKER.format(index)}'; (exit $__rc)")
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=folder,
        env=shell_env(fake),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout
    problems = []
    for index, (command, expected) in enumerate(steps):
        actual, _, output = output.partition(MARKER.format(index) + "\n")
        if not matches(expected, actual):
            problems.append(f"$ {command}\n--- README says:\n{expected}\n--- it printed:\n{actual}")
    return problems


def run_server(step: tuple[str, str], fake: FakeTwilio, folder: Path) -> str | None:
    command, expected = step
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    process = subprocess.Popen(
        ["bash", "-c", "exec " + command.replace("8765", port)],
        cwd=folder,
        env=shell_env(fake),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    printed = []
    try:
        while not printed or not printed[-1].startswith("Press Ctrl-C"):
            line = process.stdout.readline()
            if not line:
                break
            printed.append(line)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
        process.stdout.close()
    actual = "".join(printed).replace(port, "8765")
    if matches(expected, actual):
        return None
    return f"$ {command}\n--- README says:\n{expected}\n--- it printed:\n{actual}"


def test_the_readme_has_shell_examples() -> None:
    assert len(sessions()) >= 6
    assert all(command for session in sessions() for command, _ in session)


@pytest.mark.parametrize("index", range(len(sessions())))
def test_readme_shell_session_runs_as_written(
    served: FakeTwilio, tmp_path: Path, index: int
) -> None:
    assert shutil.which("bash"), "the README's sessions are bash"
    problems = run_session(sessions()[index], served, tmp_path)
    assert not problems, "\n\n".join(problems)


def fenced_blocks(language: str) -> list[tuple[int, str, str | None]]:
    """The ``language`` blocks as (line number, text, the ``text`` block right after or None)."""
    text = README.read_text()
    matches_ = list(FENCE.finditer(text))
    found = []
    for index, match in enumerate(matches_):
        if match.group(1) != language:
            continue
        output = None
        if index + 1 < len(matches_):
            after = matches_[index + 1]
            between = text[match.end() : after.start()].strip()
            if after.group(1) == "text" and (not between or is_lead_in(between)):
                output = after.group(2)
        found.append((text.count("\n", 0, match.start()) + 1, match.group(2), output))
    return found


def is_lead_in(prose: str) -> bool:
    """One paragraph ending with a colon, as in "It prints:"."""
    return prose.endswith(":") and "\n\n" not in prose and "#" not in prose


PYTHON_BLOCKS = fenced_blocks("python")


@pytest.fixture(scope="module")
def live() -> FakeTwilio:  # type: ignore[misc]
    # what ``twilio-monitor fake-server`` serves by default, less its clock's ticking
    with fake_in_thread(state=live_account(alerts=2000, events=500)) as fake:
        yield fake


def pytest_configuration() -> str:
    """The README's pytest configuration (its ``toml`` block for pytest)."""
    (found,) = [text for _, text, _ in fenced_blocks("toml") if "[tool.pytest" in text]
    return found


def run_python(source: str, fake: FakeTwilio, folder: Path) -> subprocess.CompletedProcess[str]:
    if re.search(r"^(async )?def test_", source, re.MULTILINE):
        (folder / "pyproject.toml").write_text(pytest_configuration())
        (folder / "test_example.py").write_text(source)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    else:
        (folder / "example.py").write_text(source)
        command = [sys.executable, "example.py"]
    return subprocess.run(
        command,
        cwd=folder,
        env=shell_env(fake),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_has_python_examples() -> None:
    assert len(PYTHON_BLOCKS) >= 10
    assert any(
        re.search(r"^async def test_", source, re.MULTILINE) for _, source, _ in PYTHON_BLOCKS
    )
    assert any(output for _, _, output in PYTHON_BLOCKS)


@pytest.mark.parametrize(
    ("line", "source", "output"), PYTHON_BLOCKS, ids=[f"line{line}" for line, _, _ in PYTHON_BLOCKS]
)
def test_readme_python_block_runs_as_written(
    live: FakeTwilio, tmp_path: Path, line: int, source: str, output: str | None
) -> None:
    done = run_python(source, live, tmp_path)
    where = f"README.md line {line}"
    assert done.returncode == 0, f"{where} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    assert not done.stderr, f"{where} wrote to stderr:\n{done.stderr}"
    if output is not None:
        assert matches(output, done.stdout), (
            f"{where}\n--- README says:\n{output}\n--- it printed:\n{done.stdout}"
        )


def bash_commands() -> list[str]:
    """Every command line of the README's ``bash`` blocks, comments dropped."""
    return [
        line.split("#", 1)[0].strip()
        for _, text, _ in fenced_blocks("bash")
        for line in text.splitlines()
        if line.split("#", 1)[0].strip()
    ]


def test_the_readme_test_command_is_what_ci_runs() -> None:
    (test_line,) = [c for c in bash_commands() if c.endswith("python -m pytest")]
    ci = (README.parent / ".ci" / "run").read_text()
    position = 0
    for part in test_line.split(" && "):  # in .ci/run, in order (there on several lines)
        found = ci.find(part, position)
        assert found >= 0, f"{part!r} of the README's test command is not in .ci/run (in order)"
        position = found + len(part)


def test_the_readme_install_extras_and_nox_sessions_exist() -> None:
    pyproject = (README.parent / "pyproject.toml").read_text()
    noxfile = (README.parent / "noxfile.py").read_text()
    pythons = re.search(r"^PYTHONS = \[(.*)\]", noxfile, re.MULTILINE)
    assert pythons
    sessions = set()
    for decorator, name in re.findall(r"^@nox\.session(.*)\ndef (\w+)", noxfile, re.MULTILINE):
        sessions.add(name)
        if "PYTHONS" in decorator:
            sessions.update(f"{name}-{v}" for v in re.findall(r'"([\d.]+)"', pythons.group(1)))
    checked = 0
    for command in bash_commands():
        for extra in re.findall(r"pip install -e '\.\[(\w+)\]'", command):
            assert re.search(rf"^{extra} = \[", pyproject, re.MULTILINE), f"no extra {extra!r}"
            checked += 1
        for session in re.findall(r"nox -s ([\w.-]+)", command):
            assert session in sessions, f"no nox session {session!r} (have {sorted(sessions)})"
            checked += 1
    assert checked >= 4


def test_the_readme_demo_command_runs_green(tmp_path: Path) -> None:
    (demo_line,) = [c for c in bash_commands() if c.endswith("twilio-monitor demo")]
    last = demo_line.split(" && ")[-1]
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_MONITOR_BASE_URL"):
        env.pop(name, None)  # a fresh machine: no credentials, no network
    done = subprocess.run(
        ["bash", "-c", last], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^Exported [\d,]+ alerts with details to ", done.stdout, re.MULTILINE)
    assert "Open incidents" in done.stdout  # (its progress lines go to stderr)


def test_the_readme_profile_connects_to_the_fake(served: FakeTwilio, tmp_path: Path) -> None:
    (profile,) = [text for _, text, _ in fenced_blocks("ini")]
    config = tmp_path / "config.ini"
    config.write_text(profile.replace("http://127.0.0.1:8765", served.url))
    assert served.url in config.read_text()
    env = {
        key: value
        for key, value in shell_env(served).items()
        if key not in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_MONITOR_BASE_URL")
    }
    env["TWILIO_MONITOR_CONFIG"] = str(config)
    done = subprocess.run(
        ["twilio-monitor", "-p", "fake", "list", "alerts", "--limit", "2", "--properties", "sid"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {"sid": "NO5a72ab7538b4e4f70b6870508e609dad"},
        {"sid": "NO5950ef2dae2737b9bb308706b68b49ca"},
    ]
