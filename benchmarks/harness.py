"""Launch a mail client in tmux at a fixed size and measure it from outside.

One private tmux server (`tmux -L mailtui-bench-<pid>`) per `Harness`; each run opens a new
window running the client (exec'd, so the pane's pid is the client's), then polls
`tmux capture-pane -p` every `poll` seconds until a marker (the newest message's subject)
is on screen. Meanwhile it samples the client's process tree in /proc and keeps the peak
(sum of VmHWM over the tree, which bounds the real tree peak from above; the clients here
are single processes, where it is exact). After the marker it keeps sampling for `settle`
seconds (clients that go on loading in the background pay for that too), then kills the
window. Nothing is installed; `missing_tools` says what is absent.

Shared helpers for the comparison scripts: `median`, `table`, `scandir_floor`, `Client`;
`Live` drives one running client key by key and times a key until a result holds on screen.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SIZE = (120, 40)


@dataclass(frozen=True)
class Run:
    """One launch: seconds until the marker was on screen (None: timed out), peak RSS in kB."""

    seconds: float | None
    peak_kb: int
    screen: str  # the last captured screen (to explain failures)


@dataclass(frozen=True)
class Client:
    """How to start one client: argv and environment, plus a hook run before each launch."""

    name: str
    argv: Sequence[str]
    env: dict[str, str] = field(default_factory=dict)
    before_run: Callable[[], None] | None = None


def compile_bytecode(python: Path, package: Path) -> None:
    """Write mailtui's .pyc files first, as `pip install` does.

    With PYTHONDONTWRITEBYTECODE set (common in containers) an editable checkout would
    compile every module from source on each launch (~40 ms), which no installed copy does.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([str(python), "-m", "compileall", "-q", str(package)], env=env, check=True)


def remover(path: Path) -> Callable[[], None]:
    """A `before_run` hook deleting `path` (a cold-cache run)."""

    def remove() -> None:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()

    return remove


def aerc_home(home: Path, source: str, extra: str = "") -> dict[str, str]:
    """A private aerc config under `home` with one account reading `source`; the env to run it."""
    conf = home / ".config" / "aerc"
    conf.mkdir(parents=True, exist_ok=True)
    accounts = conf / "accounts.conf"
    accounts.write_text(
        f"[bench]\nsource = {source}\n{extra}from = Bench <bench@example.com>\n"
        "default = INBOX\noutgoing = /bin/true\n"
    )
    accounts.chmod(0o600)
    (conf / "aerc.conf").write_text("[general]\nunsafe-accounts-conf = true\n")
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
    }


def private_home(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a client with a home of its own (config, cache and data under it),
    so runs never share or touch the user's caches; `extra` variables added."""
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        **extra,
    }


def save_report(report: str, out: Path) -> None:
    """Print the report and save it to `out` (its folder made when missing)."""
    print(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.rstrip("\n") + "\n")
    print(f"saved {out}")


def missing_tools(names: Sequence[str]) -> list[str]:
    """The programs of `names` not on PATH."""
    return [n for n in names if shutil.which(n) is None]


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants (best effort; processes come and go)."""
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_peak_kb(pid: int) -> int:
    """Sum of VmHWM (peak resident set) over `pid` and its descendants, in kB."""
    return sum(_hwm_kb(p) for p in tree(pid))


class Harness:
    """A private tmux server; `measure` runs one client launch on it."""

    def __init__(self, size: tuple[int, int] = SIZE) -> None:
        self.socket = f"mailtui-bench-{os.getpid()}"
        self.size = size
        # An idle session keeps the server up between runs; new windows get its size.
        self._tmux("new-session", "-d", "-s", "bench", "-x", str(size[0]), "-y", str(size[1]), "sleep 86400")
        self._tmux("set-option", "-g", "default-size", f"{size[0]}x{size[1]}")
        self._socket_path = self._tmux("display-message", "-p", "#{socket_path}").strip()

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True
        ).stdout

    def close(self) -> None:
        """Kill the private tmux server (and whatever still runs in it)."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        # tmux leaves its socket file behind; a private server's is ours to remove.
        if self._socket_path:
            Path(self._socket_path).unlink(missing_ok=True)

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def measure(
        self,
        client: Client,
        marker: str,
        *,
        timeout: float = 60.0,
        poll: float = 0.015,
        settle: float = 1.0,
    ) -> Run:
        """Launch `client`, wait for `marker` on screen, return the time and peak RSS."""
        start = time.perf_counter()
        window, pid = self.launch(client)
        seconds: float | None = None
        peak = 0
        screen = ""
        deadline = start + timeout
        try:
            while True:
                now = time.perf_counter()
                peak = max(peak, tree_peak_kb(pid))
                if seconds is None:
                    screen = self.capture(window)
                    if marker in screen:
                        seconds = time.perf_counter() - start
                        deadline = time.perf_counter() + settle
                if now > deadline:
                    break
                time.sleep(poll)
            peak = max(peak, tree_peak_kb(pid))
        finally:
            self.kill(window, pid)
        return Run(seconds, peak, screen)

    def launch(self, client: Client) -> tuple[str, int]:
        """Start `client` in a new window; returns (window id, client pid)."""
        if client.before_run is not None:
            client.before_run()
        env_args: list[str] = []
        for key, value in client.env.items():
            env_args += ["-e", f"{key}={value}"]
        command = " ".join(_quote(a) for a in ["exec", *client.argv])
        out = self._tmux(
            "new-window", "-d", "-P", "-F", "#{window_id} #{pane_pid}", "-t", "bench:", *env_args, command
        )
        window, pid_text = out.split()
        return window, int(pid_text)

    def send_keys(self, window: str, *keys: str) -> None:
        """tmux send-keys (key names such as PageDown, End, Enter, or literal text)."""
        self._tmux("send-keys", "-t", window, *keys)

    def capture(self, window: str) -> str:
        """The visible text of the window's pane ("" when the window is gone)."""
        try:
            return self._tmux("capture-pane", "-p", "-t", window)
        except subprocess.CalledProcessError:
            return ""  # the window is gone (the client exited)

    def kill(self, window: str, pid: int) -> None:
        """SIGTERM, then SIGKILL, the client's process tree; then close its window."""
        pids = tree(pid)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for p in pids:
                try:
                    os.kill(p, sig)
                except ProcessLookupError:
                    pass
            for _ in range(50):
                if not any(os.path.exists(f"/proc/{p}") and _alive(p) for p in pids):
                    break
                time.sleep(0.02)
        subprocess.run(["tmux", "-L", self.socket, "kill-window", "-t", window], capture_output=True)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "-_./:=,@%+" for c in arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def median(values: Sequence[float]) -> float:
    """The median, for a list that is not empty."""
    return statistics.median(values)


def scandir_floor(maildir: Path, repeat: int = 5) -> float:
    """Median seconds to list cur/ and new/ with os.scandir (names only): nobody beats it."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for sub in ("cur", "new"):
            with os.scandir(maildir / sub) as it:
                for _entry in it:
                    pass
        times.append(time.perf_counter() - start)
    return median(times)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table with columns padded to width."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@dataclass
class Live:
    """A client running in a `Harness` window, driven key by key (in-app actions).

    Every capture also samples the peak RSS of the client's process tree (`peak_kb`).
    `ready`, when given, is waited for (unmeasured) before each timed key: a screen
    state the previous step may have left, such as a notification still shown.
    """

    harness: Harness
    window: str
    pid: int
    grace: float = 0.3
    ready: Callable[[str], bool] | None = None
    poll: float = 0.01  # between captures: a busy loop would take a core from the client
    peak_kb: int = 0

    def screen(self) -> str:
        """The captured screen (and one RSS sample)."""
        self.peak_kb = max(self.peak_kb, tree_peak_kb(self.pid))
        return self.harness.capture(self.window)

    def keys(self, *keys: str) -> None:
        """tmux key names (Enter, Home, C-t) or single characters."""
        self.harness.send_keys(self.window, *keys)

    def text(self, text: str) -> None:
        """Literal text, typed."""
        self.harness.send_keys(self.window, "-l", text)

    def wait(self, test: Callable[[str], bool], timeout: float) -> str | None:
        """Poll until `test(screen)` (unmeasured preparation); that screen, None on timeout."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            time.sleep(self.poll)
        return None

    def timed(
        self, keys: Sequence[str], done: Callable[[str], str | None], timeout: float
    ) -> tuple[float | None, str]:
        """Send `keys`; seconds until `done(screen)` returned one signature (not None) that
        held for `grace` seconds, which are not counted, and that signature. On timeout
        (None, the last screen). A partial answer that changes later is not the end."""
        if self.ready is not None:
            self.wait(self.ready, 10)
        start = time.perf_counter()
        self.keys(*keys)
        since: float | None = None
        held = ""
        screen = ""
        while time.perf_counter() - start < timeout:
            screen = self.screen()
            seen = time.perf_counter()
            sig = done(screen)
            if sig is None:
                since = None
            elif since is None or sig != held:
                since, held = seen, sig
            elif seen - since >= self.grace:
                return since - start, sig
            time.sleep(self.poll)
        return None, screen


def bottom(screen: str, lines: int = 2) -> str:
    """The last `lines` lines of a screen that are not blank at its end (prompts live there)."""
    return "\n".join(screen.rstrip("\n").splitlines()[-lines:])


def line_with(screen: str, needle: str) -> str:
    """The lowest line of the screen containing `needle` ("" if none)."""
    return next((ln for ln in reversed(screen.splitlines()) if needle in ln), "")
