"""`mailtui config check|path|import`: validate and show the configuration, or import mutt's and msmtp's.

`check` with no mailtui config shows what was read from ~/.muttrc and ~/.msmtprc, each value
with its file:line and secrets masked. `import [--muttrc F] [--msmtprc F]` writes the same
as config.toml (inline passwords are not copied: `mailtui passwd` stores them).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mailtui.core.errors import EX_IOERR, EX_USAGE


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("config", help="configuration tools")
    actions = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    actions.add_parser("check", help="validate the config and print it with secrets masked")
    actions.add_parser("path", help="print where the config file is looked for")
    imp = actions.add_parser(
        "import",
        help="write config.toml from an existing mutt + msmtp setup",
        description="Write the config.toml equivalent to a muttrc and an msmtprc (default: the files "
        "mutt and msmtp read). Passwords stay where they are: passwordeval becomes password_command; "
        "an inline password is not copied (store it with `mailtui passwd`).",
    )
    imp.add_argument(
        "--muttrc", type=Path, metavar="FILE", help="the muttrc (default: ~/.muttrc, ~/.mutt/muttrc)"
    )
    imp.add_argument("--msmtprc", type=Path, metavar="FILE", help="the msmtprc (default: ~/.msmtprc, ...)")
    imp.add_argument(
        "-o", "--output", metavar="FILE", help="where to write (default: the config path; - prints)"
    )
    imp.add_argument("--force", action="store_true", help="replace an existing config file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mailtui.commands.common import config_from_args
    from mailtui.config import format_config
    from mailtui.config.importer import ImportedConfig
    from mailtui.credentials import keyring_warning
    from mailtui.paths import config_path

    if args.config_command == "path":
        print(args.config or config_path())
        return 0
    if args.config_command == "import":
        return run_import(args)
    config = config_from_args(args, required=True)
    if isinstance(config, ImportedConfig):
        from mailtui.config.import_toml import check_text

        print(check_text(config))
    else:
        print(f"# {config.path}: OK")
        print(format_config(config))
    for problem in config.warnings:
        print(f"mailtui: warning: {problem}", file=sys.stderr)
    if warning := keyring_warning():
        print(f"mailtui: warning: {warning}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Write config.toml (and a theme file for mutt's colours) from the mutt and msmtp files."""
    import os

    from mailtui.config.import_toml import import_text
    from mailtui.config.importer import import_setup
    from mailtui.config.setup_files import find_msmtprc, find_muttrc
    from mailtui.paths import config_path

    muttrc = args.muttrc.expanduser() if args.muttrc else find_muttrc()
    msmtprc = args.msmtprc.expanduser() if args.msmtprc else find_msmtprc()
    if muttrc is None and msmtprc is None:
        print("mailtui: nothing to import: no ~/.muttrc, ~/.mutt/muttrc, ~/.msmtprc, "
              "$XDG_CONFIG_HOME/msmtp/config or /etc/msmtprc; name them with --muttrc / --msmtprc",
              file=sys.stderr)  # fmt: skip
        return EX_USAGE
    result = import_text(import_setup(muttrc, msmtprc))
    target = args.output or args.config or config_path()
    if str(target) == "-":
        print(result.toml, end="")
    else:
        path = Path(target).expanduser()
        if path.exists() and not args.force:
            print(f"mailtui: {path} exists; give --force to replace it, or -o FILE", file=sys.stderr)
            return EX_IOERR
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(result.toml)
            if result.theme_toml is not None:
                theme = path.parent / "themes" / "mutt.toml"
                theme.parent.mkdir(parents=True, exist_ok=True)
                theme.write_text(result.theme_toml, encoding="utf-8")
                print(f"mailtui: wrote the mutt colours as a theme: {theme}", file=sys.stderr)
        except OSError as err:
            print(f"mailtui: cannot write {path}: {err.strerror or err}", file=sys.stderr)
            return EX_IOERR
        print(f"mailtui: wrote {path}; check it with `mailtui --config {path} config check`", file=sys.stderr)
    for hint in result.hints:
        print(f"mailtui: {hint}", file=sys.stderr)
    return _check_written(result.toml)


def _check_written(text: str) -> int:
    """0 when the written config loads; else its problems (file:line: key: ...) and 78."""
    import os
    import tempfile

    from mailtui.config import load_config
    from mailtui.core.errors import EX_CONFIG, ConfigError

    fd, name = tempfile.mkstemp(suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        load_config(Path(name))
    except ConfigError as err:
        message = err.message.replace(name, "config.toml")
        print(
            f"mailtui: the imported config needs a fix before mailtui can use it:\n{message}", file=sys.stderr
        )
        return EX_CONFIG
    finally:
        os.unlink(name)
    return 0
