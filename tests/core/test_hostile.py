"""Hostile and huge mail: every parser on a message is linear or capped, and never raises.

The big inputs are built from the short recipes of `hostile_mail.py`; the fixed small
regressions are files under tests/data/hostile/. The bounds are on this process's CPU
time, not the wall clock (CPU burners beside the suite, or a second xdist worker, stretch
wall time but not the work done), and generous: they catch a quadratic parser, which takes
minutes, never a slow machine. The exact figures come from benchmarks/hostile.py.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailtui.core.headers.inspection import format_inspection, inspect_message
from mailtui.core.message.envelope import envelope_from_headers
from mailtui.core.message.view import parse_message, raw_source_text
from mailtui.core.models import MessageRef
from tests.core import hostile_mail as h

DATA = Path(__file__).parent.parent / "data" / "hostile"
BOUND = 4.0  # seconds: the fixed code takes well under 0.5 s for each of these


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """`fn()` and the CPU seconds it took (the process's, so a busy machine does not count)."""
    start = time.process_time()
    result = fn()
    return result, time.process_time() - start


@pytest.mark.parametrize("name", ["date_9999.eml", "received_9999.eml"])
def test_dates_python_cannot_represent_are_shown_raw_with_a_note(name: str) -> None:
    raw = (DATA / name).read_bytes()
    text = format_inspection(inspect_message(raw))
    assert "9999" in text and "cannot be represented" in text
    view = parse_message(raw)
    assert view.date_ts is None or name.startswith("received")


def test_html_start_tag_flood_falls_back_to_the_tag_stripper() -> None:
    view, took = timed(lambda: parse_message(h.html_flood(60_000)))
    assert took < BOUND
    assert isinstance(view, type(parse_message(b"")))
    assert any("HTML" in n for n in view.notes)


def test_huge_html_body_is_capped_with_a_note() -> None:
    view, took = timed(lambda: parse_message(h.big_html(20 * h.MB)))
    assert took < 3 * BOUND
    assert any("HTML" in n and "tags removed" in n for n in view.notes)
    assert "Hello world" in view.body[:10_000]


@pytest.mark.parametrize(
    "recipe",
    [
        lambda: h.big_authres(2 * h.MB),
        lambda: h.basic([("Authentication-Results", "mx; a=" + " =" * h.MB)]),
        lambda: h.basic([("Authentication-Results", "mx; spf=pass " + "(" * (2 * h.MB))]),
        lambda: h.big_content_type(2 * h.MB),
        lambda: h.long_header(2 * h.MB, "Subject"),
        lambda: h.deep_multipart(10_000),
        lambda: h.truncated_deep_multipart(10_000),
    ],
    ids=["authres", "authres-glue", "authres-parens", "content-type", "subject", "deep", "truncated-deep"],
)
def test_huge_headers_and_nesting_are_inspected_quickly_and_cut_with_a_note(
    recipe: Callable[[], bytes],
) -> None:
    raw = recipe()
    text, took = timed(lambda: format_inspection(inspect_message(raw)))
    assert took < BOUND
    assert isinstance(text, str) and len(text) < 200_000
    assert "cut" in text
    view, took = timed(lambda: parse_message(raw))
    assert took < BOUND
    assert any("cut" in n for n in view.notes)  # type: ignore[attr-defined]


def test_long_header_is_cut_for_display_but_the_source_keeps_it() -> None:
    raw = h.long_header(100_000, "X-Long")
    view = parse_message(raw)
    shown = dict(view.headers)["X-Long"]
    assert len(shown) < 20_000 and "cut" in shown
    assert view.raw == raw and b"x" * 100_000 in raw_source_text(view.raw).encode()


def test_invisible_characters_are_detected_and_revealed() -> None:
    from mailtui.core.sanitize import invisible_marks, reveal_invisible

    raw = (DATA / "invisible_sender.eml").read_bytes()
    env = envelope_from_headers(raw.partition(b"\r\n\r\n")[0], MessageRef("1"), len(raw))
    assert invisible_marks(env.sender) == ("U+200B",)
    assert set(invisible_marks(env.subject)) == {"U+200D", "U+FEFF", "U+202E"}
    assert reveal_invisible("a\u200bb") == "a<U+200B>b"
    text = format_inspection(inspect_message(raw))
    assert "<U+200B>" in text and "<U+202E>" in text and "\u200b" not in text


# Bounded examples: the whole suite must stay fast. Bounds are generous and count output,
# never timing precision: the exact figures come from benchmarks/hostile.py.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.randoms(use_true_random=False))
def test_any_generated_hostile_message_is_shown_without_error_in_bounded_work(rng: random.Random) -> None:
    raw = h.random_message(rng)
    start = time.process_time()
    text = format_inspection(inspect_message(raw, ["mx"]))
    view = parse_message(raw)
    env = envelope_from_headers(raw[:65536], MessageRef("1"), len(raw))
    took = time.process_time() - start
    assert took < 3 * BOUND
    assert len(text) < 400_000  # cut headers and bounded parsing keep the output bounded
    assert isinstance(view.body, str) and len(view.headers) < 100
    assert all(len(v) < 10_000 for _, v in view.headers)
    assert isinstance(env.subject, str)
    for shown in (text, view.body, view.subject, env.subject, env.sender):
        assert "\x1b" not in shown and "\u202e" not in shown
