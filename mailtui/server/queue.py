"""The local queue: Postfix through `postqueue -j`, `postsuper`, `postcat` (with `-c CONFIG_DIR`),
Exim through `exim -bp` / `-Mrm` / `-Mf` / `-Mt` / `-M` / `-Mg` / `-qff` / `-Mvh` (with `-C FILE`).
Parsing is pure; `PostfixQueue` and `EximQueue` run the commands and explain missing privileges
(which command, which group) instead of failing with a traceback.
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

from mailtui.core.i18n import tr
from mailtui.server.errors import LogAccessError, ServerError
from mailtui.server.exim_spool import EximSpoolHeader, parse_spool_body, parse_spool_header
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


# `exim -bp` (queue.c, 4.96): "%2dm|h|d ", a 5-wide size ("  898", " 2.1K", "  14K", spaces for
# 0), the id, " <sender>" (with " (login)" when set by an untrusted user), " *** frozen ***".
_EXIM_HEAD = re.compile(
    r"^\s*(?P<age>\d+[smhdw])\s+(?P<size>[\d.]+[KMG]?)?\s*(?P<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4})"
    r"(?:\s+<(?P<sender>[^>]*)>(?:\s+\([^)]*\))?)?(?P<frozen>\s+\*\*\* frozen \*\*\*)?\s*$"
)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZES = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def parse_exim_bp(text: str, now: int) -> list[QueueEntry]:
    """`exim -bp` output: a head line (age, size, id, <sender>), then recipients ("D" = delivered,
    "+D" = a generated address delivered: both left out), a blank line between messages."""
    out: list[QueueEntry] = []
    head: re.Match[str] | None = None
    rcpts: list[QueuedRecipient] = []

    def flush() -> None:
        if head is not None:
            size = head["size"] or "0"
            unit = size[-1] if size[-1] in "KMG" else ""
            out.append(
                QueueEntry(
                    head["id"], "frozen" if head["frozen"] else "queued",
                    now - int(head["age"][:-1]) * _UNITS[head["age"][-1]],
                    int(float(size.rstrip("KMG")) * _SIZES[unit]), head["sender"] or "", tuple(rcpts),
                )
            )  # fmt: skip

    for line in text.splitlines():
        m = _EXIM_HEAD.match(line)
        if m:
            flush()
            head, rcpts = m, []
            continue
        item = line.strip()
        if head is None or not item or item.startswith(("D ", "+D ", "***")):
            continue
        rcpts.append(QueuedRecipient(item))
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
            raise ServerError(tr("{tool} is not installed: is Postfix installed on this host?", tool=tool))
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
                needs = (
                    tr("{tool} needs root (sudo)", tool=tool)
                    if tool == "postsuper"
                    else tr("{tool} needs root or the postdrop group", tool=tool)
                )
                raise LogAccessError(
                    tr("{tool} was refused: {why}. {needs}", tool=tool, why=err, needs=needs),
                    title="Not allowed",
                )
            raise ServerError(
                tr("{command} failed ({code}): {why}", command=" ".join(cmd), code=done.returncode, why=err)
            )
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
    """Exim's queue, behind the same calls as `PostfixQueue`: `list` (`exim -bp`), `flush` (`-qff`,
    or `-M ID`), `act` (hold `-Mf`, release `-Mt`, requeue `-M`, delete `-Mrm`), `show` (`-Mvh`
    and `-Mvb` as one message), and Exim's own `deliver` (`-M`) and `give_up` (`-Mg`: bounce it).
    `config_file` is `exim -C FILE` (a second instance, as `postqueue -c`).

    The parsing is tested on output in the exact format Exim 4.96 prints, and the command lines
    on a stand-in `exim`; the action path has NOT been run against a live Exim here.
    """

    _FLAGS: dict[str, str] = {"delete": "-Mrm", "hold": "-Mf", "release": "-Mt", "requeue": "-M"}
    # What Exim prints per message when an action worked (queue.c); -M and -Mg print nothing.
    _DONE: dict[str, str] = {"-Mrm": "has been removed", "-Mf": "is now frozen", "-Mt": "is no longer frozen"}

    def __init__(self, exim: str = "exim", config_file: str | None = None) -> None:
        self.exim = shutil.which(exim) or shutil.which("exim4") or ""
        self.config_file = config_file

    def _run(self, *args: str) -> str:
        if not self.exim:
            raise ServerError(tr("exim is not installed on this host (looked for exim and exim4)"))
        cmd = [self.exim, *(["-C", self.config_file] if self.config_file else []), *args]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, errors="surrogateescape", timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ServerError(f"{' '.join(cmd)}: {exc}") from None
        said = (done.stdout + done.stderr).strip()
        # Only a failed run is read for a refusal: -Mvb prints a body, which may say anything.
        if done.returncode != 0 and "permission denied" in said.lower():
            raise LogAccessError(
                tr("exim {flag} was refused: {why}. It needs root or an Exim admin "
                   "user (the exim group: Debian-exim on Debian, or one of admin_groups)",
                   flag=args[0], why=said.splitlines()[0]),
                title="Not allowed",
            )  # fmt: skip
        if done.returncode != 0 and not (args[0] in self._DONE and self._DONE[args[0]] in said):
            raise ServerError(
                tr("{command} failed ({code}): {why}", command=" ".join(cmd), code=done.returncode, why=said)
            )
        return done.stdout

    def list(self, now: int | None = None) -> list[QueueEntry]:
        """Every queued message (`exim -bp`); ages are counted back from `now` (default: now)."""
        import time

        return parse_exim_bp(self._run("-bp"), int(time.time()) if now is None else now)

    def flush(self, queue_id: str | None = None) -> None:
        """Deliver now: every message, frozen ones too (`exim -qff`), or one (`exim -M ID`)."""
        self._run(*(["-M", queue_id] if queue_id else ["-qff"]))

    def act(self, action: Action, queue_ids: Sequence[str]) -> int:
        """hold (freeze) / release (thaw) / requeue (deliver now) / delete these ids; the count done.
        When Exim refused some (already frozen, locked), ServerError names them and the count."""
        return self._act(self._FLAGS[action], queue_ids)

    def deliver(self, queue_ids: Sequence[str]) -> int:
        """Force a delivery attempt of these messages now (`exim -M`)."""
        return self._act("-M", queue_ids)

    def give_up(self, queue_ids: Sequence[str]) -> int:
        """Stop trying: bounce these messages to their senders (`exim -Mg`)."""
        return self._act("-Mg", queue_ids)

    def _act(self, flag: str, queue_ids: Sequence[str]) -> int:
        if not queue_ids:
            return 0
        out = self._run(flag, *queue_ids)
        done = self._DONE.get(flag)
        if done is None:
            return len(queue_ids)
        ok = [q for q in queue_ids if f"Message {q} {done}" in out]
        if len(ok) < len(queue_ids):
            failed = [line for line in out.splitlines() if done not in line]
            raise ServerError(
                tr("exim {flag}: {done} of {total} done; {reasons}", flag=flag, done=len(ok),
                   total=len(queue_ids), reasons="; ".join(failed or [tr("no reason given")]))
            )  # fmt: skip
        return len(ok)

    def spool_header(self, queue_id: str) -> EximSpoolHeader:
        """The envelope and headers of one queued message (`exim -Mvh ID`)."""
        text = self._run("-Mvh", queue_id)
        try:
            return parse_spool_header(text)
        except ValueError as exc:
            raise ServerError(f"exim -Mvh {queue_id}: {exc}") from None

    def show(self, queue_id: str) -> str:
        """The queued message as it will be sent: its live headers (`-Mvh`), a blank line and the
        body (`-Mvb`), for the pager and the header inspector."""
        headers = self.spool_header(queue_id).headers
        return headers + "\n" + parse_spool_body(self._run("-Mvb", queue_id))
