"""Run `mailtui ARGS` as the CLI does and note when each start-up stage ends; exit at the first frame.

    STARTUP_T0=<time.time() at launch> python benchmarks/startup_probe.py OUT.json ARGS...

Used by `startup.py` inside tmux (a real terminal). Nothing in mailtui is changed for it:
the stages are taken by wrapping functions the CLI calls anyway, and the UI module is
wrapped by an import hook when the CLI imports it, so the import order is the CLI's own.
Stages (wall clock, seconds since STARTUP_T0):

- `interpreter`: Python and site are up (this file's first line).
- `cli imported`: `mailtui.cli` and its command modules (the argument parser's).
- `config`: `config_from_args` returned (the config file read; none under -f).
- `ui imported`: `mailtui.ui.app` and what it imports (textual, the browser screen).
- `backend listed`: the preload thread opened the mailbox, listed its folder and read the
  first rows' headers (it runs beside the UI import, so it may end before or after it).
- `first layout`: `MailApp.on_ready` (Textual has composed and laid out the first screen).
- `first frame`: the frame after that is on the terminal (`MailApp._first_frame_done`).

`modules` in OUT.json lists `sys.modules` at the first frame.
"""

from __future__ import annotations

import time

_ENTERED = time.time()

import importlib.machinery  # noqa: E402  (loaded at start anyway; importlib.abc would add importlib.resources)
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

T0 = float(os.environ.get("STARTUP_T0", _ENTERED))
OUT = Path(sys.argv[1])
STAMPS: dict[str, float] = {"interpreter": _ENTERED - T0}


def stamp(name: str) -> None:
    STAMPS.setdefault(name, time.time() - T0)


class _UiHook:
    """Wraps mailtui.ui.app when the CLI imports it: stamps the import, then patches the app."""

    def find_spec(
        self, name: str, path: object, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "mailtui.ui.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)  # type: ignore[arg-type]
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module  # type: ignore[attr-defined]

        def exec_module(module: ModuleType) -> None:
            stamp("ui import begins")
            original_exec(module)
            stamp("ui imported")
            _patch_app(module)

        loader.exec_module = exec_module  # type: ignore[attr-defined]
        return spec


def _patch_app(module: ModuleType) -> None:
    app_class = module.MailApp
    on_ready = app_class.on_ready

    def ready(self: object) -> None:
        stamp("first layout")
        on_ready(self)

    def first_frame(self: object) -> None:
        stamp("first frame")
        modules = sorted(sys.modules)
        OUT.write_text(json.dumps({"stamps": STAMPS, "modules": modules}, indent=1))
        self.exit(0)  # type: ignore[attr-defined]

    app_class.on_ready = ready
    app_class._first_frame_done = first_frame


def main() -> int:
    sys.meta_path.insert(0, _UiHook())
    from mailtui import cli
    from mailtui.commands import common
    from mailtui.session import preload

    stamp("cli imported")
    config_from_args = common.config_from_args

    def timed_config(*args: object, **kwargs: object) -> object:
        try:
            return config_from_args(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            stamp("config")

    common.config_from_args = timed_config  # type: ignore[assignment]
    run = preload.Preload._run

    def timed_run(self: preload.Preload) -> None:
        run(self)
        stamp("backend listed")

    preload.Preload._run = timed_run  # type: ignore[method-assign]
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
