"""The local queue: Postfix through `postqueue -j`, `postsuper`, `postcat` (with `-c CONFIG_DIR`),
Exim through `exim -bp` / `-Mrm` / `-Mvh`. Parsing is pure; `PostfixQueue` runs the commands and
explains missing privileges (which command, which group) instead of failing with a traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from mailtui.server.errors import LogAccessError, ServerError
from mailtui.server.explain_reply import explain_logged_reply

__all__ = [
    "EximQueue",
    "PostfixQueue",
    "QueueEntry",
    "QueuedRecipient",
    "by_domain",
    "by_reason",
    "parse_exim_bp",
    "parse_postqueue_json",
]

Action = Literal["hold", "release", "requeue", "delete"]
_POSTSUPER_FLAG: dict[Action, str] = {"hold": "-h", "release": "-H", "requeue": "-r", "delete": "-d"}


@dataclass(frozen=True)
class QueuedRecipient:
    address: str
    delay_reason: str = ""
    explanation: str = ""


@dataclass(frozen=True)
class QueueEntry:
    queue_id: str
    queue_name: str  # active, deferred, hold, incoming, maildrop; Exim: "frozen" or "queued"
    arrival_time: int  # epoch seconds (Exim: now - age)
    size: int
    sender: str
    recipients: tuple[QueuedRecipient, ...] = field(default_factory=tuple)


def parse_postqueue_json(text: str) -> list[QueueEntry]:
    """`postqueue -j` output: one JSON object per line."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            continue
        recipients = tuple(
            QueuedRecipient(
                r.get("address", ""),
                r.get("delay_reason", ""),
                explain_logged_reply(r.get("delay_reason", "")),
            )
            for r in item.get("recipients", [])
        )
        out.append(
            QueueEntry(
                str(item.get("queue_id", "")), str(item.get("queue_name", "")),
                int(item.get("arrival_time", 0)), int(item.get("message_size", 0)),
                str(item.get("sender", "")), recipients,
            )
        )  # fmt: skip
    return out


_EXIM_HEAD = re.compile(
    r"^\s*(?P<age>\d+[smhdw])\s+(?P<size>[\d.]+[KMG]?)\s+(?P<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})"
    r"\s+<(?P<sender>[^>]*)>(?P<frozen>\s+\*\*\* frozen \*\*\*)?\s*$"
)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZES = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_exim_bp(text: str, now: int) -> list[QueueEntry]:
    """`exim -bp` output: a head line (age, size, id, <sender>), then recipients ("D" = delivered)."""
    out: list[QueueEntry] = []
    head: re.Match[str] | None = None
    rcpts: list[QueuedRecipient] = []

    def flush() -> None:
        if head is not None:
            size = head["size"]
            unit = size[-1] if size[-1] in "KMG" else ""
            out.append(
                QueueEntry(
                    head["id"], "frozen" if head["frozen"] else "queued",
                    now - int(head["age"][:-1]) * _UNITS[head["age"][-1]],
                    int(float(size.rstrip("KMG")) * _SIZES[unit]), head["sender"], tuple(rcpts),
                )
            )  # fmt: skip

    for line in text.splitlines():
        m = _EXIM_HEAD.match(line)
        if m:
            flush()
            head, rcpts = m, []
        elif head is not None and line.strip() and not line.strip().startswith("D "):
            rcpts.append(QueuedRecipient(line.strip()))
    flush()
    return out


def by_reason(entries: Sequence[QueueEntry]) -> list[tuple[str, int, str]]:
    """(delay reason with addresses/ports blanked, recipients, explanation), commonest first."""
    counts: Counter[str] = Counter()
    for e in entries:
        for r in e.recipients:
            reason = re.sub(r"<[^>]*>", "<...>", r.delay_reason)
            counts[re.sub(r"\[[0-9a-fA-F.:]+\](:\d+)?", "[...]", reason) or "(no reason yet)"] += 1
    return [(reason, n, explain_logged_reply(reason)) for reason, n in counts.most_common()]


def by_domain(entries: Sequence[QueueEntry]) -> list[tuple[str, int]]:
    """Queued recipients per destination domain (qshape's view), commonest first."""
    counts = Counter(r.address.rpartition("@")[2].lower() for e in entries for r in e.recipients)
    return counts.most_common()


class PostfixQueue:
    """The queue of one Postfix instance (`config_dir` as `postqueue -c`)."""

    def __init__(self, config_dir: str | None = None) -> None:
        self.config_dir = config_dir

    def _run(self, tool: str, *args: str, input_text: str | None = None) -> str:
        path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/usr/local/sbin")
        if path is None:
            raise ServerError(f"{tool} is not installed: is Postfix installed on this host?")
        cmd = [path, *(["-c", self.config_dir] if self.config_dir else []), *args]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, input=input_text, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ServerError(f"{' '.join(cmd)}: {exc}") from None
        if done.returncode != 0:
            err = done.stderr.strip() or done.stdout.strip()
            if (
                "permission denied" in err.lower()
                or "must be run as root" in err.lower()
                or "not owner" in err.lower()
            ):
                raise LogAccessError(
                    f"{tool} was refused: {err}. {tool} {'needs root (sudo)' if tool == 'postsuper' else 'needs root or the postdrop group'}",
                    title="Not allowed",
                )
            raise ServerError(f"{' '.join(cmd)} failed ({done.returncode}): {err}")
        return done.stdout

    def list(self) -> list[QueueEntry]:
        """Every queued message (`postqueue -j`)."""
        return parse_postqueue_json(self._run("postqueue", "-j"))

    def flush(self, queue_id: str | None = None) -> None:
        """Retry deferred mail now: all (`postqueue -f`) or one (`postqueue -i ID`)."""
        self._run("postqueue", *(["-i", queue_id] if queue_id else ["-f"]))

    def act(self, action: Action, queue_ids: Sequence[str]) -> int:
        """hold / release / requeue / delete these ids (`postsuper -h/-H/-r/-d -`); returns the count."""
        if not queue_ids:
            return 0
        self._run("postsuper", _POSTSUPER_FLAG[action], "-", input_text="".join(f"{q}\n" for q in queue_ids))
        return len(queue_ids)

    def show(self, queue_id: str) -> str:
        """The queued message's envelope, headers and body (`postcat -q ID`)."""
        return self._run("postcat", "-q", queue_id)


class EximQueue:
    """Exim's queue through `exim -bp`; actions by `exim -Mrm`/`-Mf`/`-Mt`/`-M`."""

    _FLAGS: dict[str, str] = {"delete": "-Mrm", "hold": "-Mf", "release": "-Mt", "requeue": "-M"}

    def __init__(self, exim: str = "exim") -> None:
        self.exim = shutil.which(exim) or shutil.which("exim4") or ""

    def list(self, now: int) -> list[QueueEntry]:
        if not self.exim:
            raise ServerError("exim is not installed on this host")
        done = subprocess.run([self.exim, "-bp"], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise ServerError(
                f"exim -bp failed: {done.stderr.strip()} (exim -bp needs root or an admin user)"
            )
        return parse_exim_bp(done.stdout, now)
