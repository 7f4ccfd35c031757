"""`mailtui explain CODE|TEXT|-`: what an SMTP reply or a bounce means and what to do."""

from __future__ import annotations

import argparse
import sys

from mailtui.core.errors import EX_DATAERR


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("explain", help="explain SMTP reply codes (550, 5.7.1, or a whole bounce text)")
    parser.add_argument("text", nargs="+", help="a code, a reply line, or - to read a bounce from stdin")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    # Also accepted after the subcommand; SUPPRESS keeps `mailtui --lang zh explain` working.
    parser.add_argument("--lang", choices=["en", "zh"], default=argparse.SUPPRESS, help="language")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from mailtui.commands.common import language
    from mailtui.core.codes.explain import explain, format_explanation

    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    explanations = explain(text, language(args, json_in_english=False))
    if args.json:
        print(json.dumps([dataclasses.asdict(e) for e in explanations], ensure_ascii=False, indent=2))
    elif explanations:
        print("\n\n".join(format_explanation(e) for e in explanations))
    if not explanations:
        print("mailtui: no SMTP reply code (like 550 or 5.7.1) found in the input", file=sys.stderr)
        return EX_DATAERR
    return 0
