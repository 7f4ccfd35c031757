"""Issue 18: nothing the first screen does not need is imported before its first frame.

Each case runs the real CLI (`mailtui.cli.main`) in a fresh interpreter, so the import
order is the CLI's: the driver below only makes the app headless and, at the first frame
(`MailApp._first_frame_done`), prints `sys.modules` and exits. No timings: the modules
present are asserted, which is what the start-up time is made of.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import make_maildir

ROOT = Path(__file__).resolve().parents[2]

DRIVER = """
import gc, json, sys
from mailtui import cli
from mailtui.ui import app as ui_app

run = ui_app.MailApp.run
def headless_run(self, *args, **kwargs):
    kwargs["headless"] = True
    return run(self, *args, **kwargs)
ui_app.MailApp.run = headless_run

first_frame_done = ui_app.MailApp._first_frame_done
def first_frame(self):
    modules = sorted(sys.modules)  # before the jobs that wait for the first frame
    collecting = gc.isenabled()
    first_frame_done(self)
    print(json.dumps({"modules": modules, "gc_before": collecting, "gc_after": gc.isenabled()}))
    self.exit(0)
ui_app.MailApp._first_frame_done = first_frame
sys.exit(cli.main(sys.argv[1:]))
"""

# Loaded on first use, never for the first screen of a local folder (the list).
NOT_BEFORE_FIRST_FRAME = (
    "imapclient",
    "aiosmtplib",
    "aiosmtpd",
    "cryptography",
    "dns",  # dnspython
    "dkim",
    "html2text",
    "keyring",
    "mailtui.backends.imap",
    "mailtui.backends.maildir.pattern_sql",  # the first pattern search loads it
    "mailtui.backends.pattern_sql",
    "mailtui.config.importer",  # only when a muttrc or msmtprc exists (and no config.toml)
    "mailtui.config.mutt",
    "mailtui.config.msmtp",
    "mailtui.core.compose",
    "mailtui.core.index.body_search",  # and the email parser with it: a ~b search
    "mailtui.core.message.mimeparts",
    "mailtui.core.patterns.body",
    "mailtui.diagnostics",
    "mailtui.sending",
    "mailtui.server",
    "mailtui.store",
    "mailtui.ui.compose_actions",
    "mailtui.ui.diagnostics_actions",
    "mailtui.ui.screens.compose",
    "mailtui.ui.screens.diagnostics",
    "mailtui.ui.screens.pager.pager",
    "mailtui.ui.screens.pager.attachments",
    "mailtui.ui.screens.server.server",
    "mailtui.ui.widgets.compose",
    "mailtui.ui.widgets.diagnostics",
    "mailtui.ui.widgets.pager",
    "mailtui.ui.widgets.server",
)


def _env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "PYTHONPATH": str(ROOT),
    }


def first_frame(tmp_path: Path, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, f"mailtui {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith('{"modules"')]
    assert lines, f"the first frame was never drawn:\n{proc.stdout}\n{proc.stderr}"
    return json.loads(lines[-1])


def modules_at_first_frame(tmp_path: Path, *args: str) -> list[str]:
    modules = first_frame(tmp_path, *args)["modules"]
    assert isinstance(modules, list)
    return modules


def test_no_cyclic_collection_before_the_first_frame_and_collection_after(tmp_path: Path) -> None:
    state = first_frame(tmp_path, "-f", str(make_maildir(tmp_path / "Mail")))
    assert state["gc_before"] is False  # the CLI turned it off for the start-up
    assert state["gc_after"] is True  # and the first frame turned it back on


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules of `modules` that are one of `names` or inside one of those packages."""
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_first_frame_of_a_maildir_loads_only_what_it_draws(tmp_path: Path) -> None:
    maildir = make_maildir(tmp_path / "Mail")
    modules = modules_at_first_frame(tmp_path, "-f", str(maildir))
    assert "mailtui.ui.widgets.index.message_index" in modules  # the driver saw the real first frame
    assert "mailtui.backends.maildir.backend" in modules
    assert loaded(modules, NOT_BEFORE_FIRST_FRAME) == []
    # Opening the UI builds no subcommand's parser (commands.common reads the config).
    assert [m for m in modules if m.startswith("mailtui.commands.")] == ["mailtui.commands.common"]


def test_first_frame_of_an_mbox_loads_only_what_it_draws(tmp_path: Path) -> None:
    mbox = tmp_path / "mbox"
    mbox.write_bytes(b"From a@b.example Mon Jan  1 00:00:00 2024\nFrom: a@b.example\nSubject: one\n\nbody\n")
    modules = modules_at_first_frame(tmp_path, "-f", str(mbox))
    assert "mailtui.backends.mbox" in {m.rsplit(".", 1)[0] for m in modules} | set(modules)
    assert loaded(modules, NOT_BEFORE_FIRST_FRAME) == []


# The CLI twins that do no network import the argument parser's modules and their own work,
# nothing of the app: `--help` builds every subcommand's parser from modules that import only
# the standard library at the top (mailtui/commands/__init__.py).
HELP_MAY_LOAD = (
    "mailtui",
    "mailtui.cli",
    "mailtui.commands",
    "mailtui.core",
    "mailtui.core.errors",
    "mailtui.core.exit_codes",
    "mailtui.core.presets",
    # tr() and its catalogs (dicts of strings, stdlib only): the command modules' messages.
    "mailtui.core.i18n",  # tr(); the catalogs only when the language is zh
    "mailtui.core.error_titles",
)


def _cli_modules(tmp_path: Path, *args: str) -> list[str]:
    code = (
        "import json, sys\nfrom mailtui.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    return json.loads(proc.stdout.splitlines()[-1])


def test_help_imports_only_the_argument_parser(tmp_path: Path) -> None:
    modules = _cli_modules(tmp_path, "--help")
    ours = [m for m in modules if m == "mailtui" or m.startswith("mailtui.")]
    extra = [m for m in ours if m not in HELP_MAY_LOAD and not m.startswith("mailtui.commands.")]
    assert extra == []
    assert not loaded(modules, ("textual", "rich", "email", "sqlite3", "ssl", "asyncio", "tomllib"))


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "550", "5.1.1"),
        ("decode", "=?utf-8?q?caf=C3=A9?="),
    ],
)
def test_offline_cli_twins_load_no_app_or_network_module(tmp_path: Path, args: tuple[str, ...]) -> None:
    modules = _cli_modules(tmp_path, *args)
    assert not loaded(
        modules, ("textual", "rich", "sqlite3", "ssl", "asyncio", *NOT_BEFORE_FIRST_FRAME)
    )


def test_one_command_builds_only_its_parser(tmp_path: Path) -> None:
    modules = _cli_modules(tmp_path, "explain", "550", "5.1.1")
    assert [m for m in modules if m.startswith("mailtui.commands.")] == [
        "mailtui.commands.common",  # the config, for its ui.language
        "mailtui.commands.explain",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["explian"], "invalid choice: 'explian' (choose from 'config', 'passwd', 'explain'"),
        (["-f", "/nowhere", "stray"], "invalid choice: 'stray'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["explain", "550", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_a_mistyped_command_line_gets_the_whole_parsers_error(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mailtui", *args], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert proc.returncode == 2
    assert expected in proc.stderr


def test_help_lists_every_command(tmp_path: Path) -> None:
    from mailtui.commands import COMMAND_MODULES

    proc = subprocess.run(
        [sys.executable, "-m", "mailtui", "--help"], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert proc.returncode == 0
    listed = proc.stdout.split("COMMAND", 1)[1]
    assert all(f"    {name} " in listed or f"    {name}\n" in listed for name in COMMAND_MODULES)


@pytest.mark.parametrize("args", [["explain", "550"], ["--help"], ["explian"]])
def test_commands_run_with_the_collector_on(tmp_path: Path, args: list[str]) -> None:
    code = (
        "import gc, sys\nfrom mailtui.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\nprint('collecting', gc.isenabled())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=_env(tmp_path), timeout=60
    )
    assert proc.stdout.splitlines()[-1] == "collecting True"
