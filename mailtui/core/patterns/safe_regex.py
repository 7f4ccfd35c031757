"""Regular expressions from a user's pattern, refused when they could backtrack for ever.

Python's `re` cannot be interrupted, and the `regex` module (which takes a timeout) is not
a dependency. So a pattern is checked before it is compiled: at most MAX_REGEX characters,
and no repeat of something that itself repeats or branches (`(a+)+`, `(a|aa)*`, `(.*)*`),
the shape of every catastrophic case. What is left is at worst polynomial in the text, and
the texts are bounded: header fields are short, and a body is searched in its first
MAX_TEXT characters per part (`body.py`).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

MAX_REGEX = 256  # characters of one regular expression
MAX_TEXT = 1_000_000  # characters of one body part searched with a regular expression

_METACHARACTERS = frozenset(".^$*+?{}[]\\|()")

# sre's parser is private (re._parser) but is what re.compile itself uses; typeshed has no stub.
_parser: Any = importlib.import_module("re._parser")
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


class RegexProblem(ValueError):
    """Why a regular expression is refused (said to the user with its column)."""


def is_literal(text: str) -> bool:
    """True when `text` holds no regular-expression operator (matched as a substring)."""
    return not any(ch in _METACHARACTERS for ch in text)


def compile_safely(text: str, case_sensitive: bool) -> re.Pattern[str]:
    """`text` compiled (IGNORECASE unless `case_sensitive`), or RegexProblem saying why not."""
    if len(text) > MAX_REGEX:
        raise RegexProblem(f"a regular expression of at most {MAX_REGEX} characters")
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        compiled = re.compile(text, flags)
        tree = _parser.parse(text, flags)
    except re.error as exc:
        raise RegexProblem(f"not a regular expression: {exc.msg}") from None
    if _nested_repeat(list(tree), inside=False):
        raise RegexProblem(
            "a repeat of a repeat or of alternatives, as (a+)+ or (a|ab)*, can take forever to fail"
        )
    return compiled


def _nested_repeat(items: list[Any], inside: bool) -> bool:
    """True when a variable repeat or a branch sits inside a repeat (`inside`)."""
    for op, arg in items:
        name = str(op)
        if name in _REPEATS:
            low, high, sub = arg
            if inside and high > low:  # a variable repeat under a repeat: many ways to match
                return True
            if _nested_repeat(list(sub), inside=inside or high > 1):
                return True
        elif name == "BRANCH":
            if inside:
                return True
            for branch in arg[1]:
                if _nested_repeat(list(branch), inside):
                    return True
        elif name == "SUBPATTERN":
            if _nested_repeat(list(arg[-1]), inside):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _nested_repeat(list(arg[1]), inside):
                return True
        elif name == "ATOMIC_GROUP":
            if _nested_repeat(list(arg), inside):
                return True
    return False
