"""`mailtui decode STRING|-`: decode pasted RFC 2047 words, Base64 or quoted-printable."""

from __future__ import annotations

import argparse
import sys

from mailtui.core.errors import EX_DATAERR


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "decode", help="decode encoded words (=?utf-8?B?...?=), Base64 or quoted-printable text"
    )
    parser.add_argument("text", nargs="+", help="the text to decode, or - to read it from stdin")
    parser.add_argument(
        "--as",
        dest="mode",
        choices=["auto", "header", "base64", "qp"],
        default="auto",
        help="what the text is (default: detect)",
    )
    parser.add_argument("--charset", help="decode with this charset whatever the text says")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from mailtui.core.message.transfer_decode import decode_pasted
    from mailtui.core.sanitize import clean_line, clean_text

    text = sys.stdin.read() if args.text == ["-"] else " ".join(args.text)
    if not text.strip():
        print("mailtui: nothing to decode (empty input)", file=sys.stderr)
        return EX_DATAERR
    result = decode_pasted(text, args.mode, args.charset)
    if args.json:
        data = dataclasses.asdict(result)
        data["data"] = result.data.hex() if result.data is not None else None
        data["partial"] = result.partial
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    how = "detected" if result.detected else "given"
    status = "PARTIAL decode" if result.partial else "decoded"
    charset = f", charset {clean_line(result.charset)}" if result.charset else ""
    print(f"{status} as {result.kind} ({how}){charset}")
    print("")
    print(clean_text(result.text))
    encoded = [w for w in result.words if w.encoding]
    if encoded:
        print("")
        print("Words:")
        for word in encoded:
            print(f"  {clean_line(word.raw)}")
            detail = f"charset={clean_line(word.charset or '?')} encoding={word.encoding}"
            print(f"    -> {clean_line(word.text)!r}  {detail}")
            for note in word.notes:
                print(f"       ! {clean_line(note)}")
    for note in result.info:
        print(f"note: {clean_line(note)}")
    for note in result.notes:
        print(f"problem: {clean_line(note)}")
    return 0
