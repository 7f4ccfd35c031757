"""The stage machine both probes run on: SMTP (connect ... data) and IMAP (connect ... list).

A probe is a fixed sequence of stages and a target stage. Each `step()` runs the next
stage and records a `StepResult`; the first failure ends the probe. `ProbeSession` keeps
that bookkeeping (`done`, `next_stage`, the steps, the failure and the outcome fields of a
result), so `SmtpProbeSession` (async, aiosmtplib) and `ImapProbeSession` (blocking,
imapclient) write only their stages, their connection handling and what they learned.
What both say about the same trouble is in `probe_messages`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypedDict, TypeVar

from mailtui.core.codes.explain import short_explanation
from mailtui.core.errors import EX_UNAVAILABLE, EX_USAGE, MailtuiError
from mailtui.core.i18n import current_language, tr
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import Transcript

StepStatus = Literal["ok", "failed", "skipped"]
S = TypeVar("S", bound=str)


class ProbeError(MailtuiError):
    """A probe stage failed; `exit_code` is the sysexits code the CLI returns."""

    title = "Probe failed"
    exit_code = EX_UNAVAILABLE


@dataclass(frozen=True)
class Reply:
    """One server reply with its meaning (text from the server, cleaned)."""

    code: int
    text: str
    explanation: str

    @classmethod
    def of(cls, code: int, message: str) -> Reply:
        text = clean_line(message.replace("\n", " / "))
        return cls(code, text, clean_line(short_explanation(code, message, current_language())))


@dataclass(frozen=True)
class StepResult:
    """What one stage did: status, time, the server's replies, a note or the error."""

    stage: str
    status: StepStatus
    duration_ms: float
    replies: tuple[Reply, ...] = ()
    note: str = ""
    error: str = ""
    exit_code: int = 0


class Outcome(TypedDict):
    """The fields every probe result has, as `ProbeSession._outcome()` fills them."""

    steps: tuple[StepResult, ...]
    reached_stage: str | None  # the last stage that completed (or was skipped as not needed)
    ok: bool  # reached the target
    error: str
    exit_code: int
    transcript: tuple[str, ...]  # this probe's connection only


def elapsed_ms(start: float) -> float:
    """Milliseconds since `start` (a `time.perf_counter()` value), to 0.1 ms."""
    return round((time.perf_counter() - start) * 1000, 1)


class ProbeSession(Generic[S]):
    """The stages of one probe, how far it got, and whether a stage failed.

    A subclass sets `label` (the transcript connection its lines carry) and drives the
    stages: `_current_stage()` before running one, then `_passed(...)` or `_fail(...)`.
    """

    label: str

    def __init__(self, stages: tuple[S, ...], target: S, transcript: Transcript | None) -> None:
        if target not in stages:
            raise ProbeError(
                tr("unknown stage {stage}; stages: {stages}", stage=repr(target), stages=", ".join(stages)),
                exit_code=EX_USAGE,
            )
        self.stages = stages
        self.target: S = target
        self.transcript = transcript if transcript is not None else Transcript()
        self._index = 0  # the next stage
        self._steps: list[StepResult] = []
        self._failed: StepResult | None = None

    @property
    def done(self) -> bool:
        """True once the target stage is reached or a stage failed."""
        return self._failed is not None or self._index > self.stages.index(self.target)

    @property
    def next_stage(self) -> S | None:
        return None if self.done else self.stages[self._index]

    def _current_stage(self) -> S:
        """The stage `step()` runs now; ProbeError once the probe is finished."""
        if self.done:
            raise ProbeError(
                tr("the probe is finished; start a new session to probe again"), exit_code=EX_USAGE
            )
        return self.stages[self._index]

    def _wants_step(self, stage: S | None) -> bool:
        """True while `run_to(stage)` (default: the target) has a stage left to run."""
        return not self.done and self._index <= self.stages.index(stage or self.target)

    def _passed(
        self, stage: S, status: StepStatus, start: float, replies: Sequence[Reply] = (), note: str = ""
    ) -> StepResult:
        """Record a stage that completed (or was skipped as not needed); on to the next one."""
        result = StepResult(stage, status, elapsed_ms(start), tuple(replies), note)
        self._steps.append(result)
        self._index += 1
        return result

    def _fail(
        self, stage: S, start: float, error: str, code: int, replies: Sequence[Reply] = ()
    ) -> StepResult:
        """Record a failed stage: the probe is done, `code` is its exit code."""
        result = StepResult(stage, "failed", elapsed_ms(start), tuple(replies), error=error, exit_code=code)
        self._steps.append(result)
        self._failed = result
        return result

    def _outcome(self) -> Outcome:
        """The steps, how far the probe got and its verdict, for a result snapshot."""
        reached = next((s.stage for s in reversed(self._steps) if s.status != "failed"), None)
        failed = self._failed
        return Outcome(
            steps=tuple(self._steps),
            reached_stage=reached,
            ok=failed is None and reached == self.target,
            error=failed.error if failed else "",
            exit_code=failed.exit_code if failed else 0,
            transcript=tuple(
                line.format() for line in self.transcript.lines() if line.connection == self.label
            ),
        )
