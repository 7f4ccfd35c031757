"""Backend capabilities are declared (`IMPLEMENTS_*`), never probed: each backend of the
contract suite keeps its word, and what it does not implement raises `UnsupportedError`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mailtui
from mailtui.core.errors import BackendError, UnsupportedError

from .conftest import make_message

# flag -> a call of the optional operation it promises
OPERATIONS = {
    "IMPLEMENTS_EXPUNGE": lambda b, folder, ref: b.expunge(folder),
    "IMPLEMENTS_PREFETCH": lambda b, folder, ref: b.prefetch_envelopes(folder, [ref]),
    "IMPLEMENTS_SERVER_SEARCH": lambda b, folder, ref: b.search_body(folder, "body"),
    "IMPLEMENTS_PARTS": lambda b, folder, ref: b.fetch_preview(folder, ref),
    "IMPLEMENTS_INDEX": lambda b, folder, ref: (
        b.index_columns(folder, [ref], ["size"]),
        b.index_search(folder, [ref], "any", "x"),
        b.unread_keys(folder, [ref]),
        b.stored_order(folder, [ref], "threads"),
    ),
}
EXPECTED = {  # what each backend is known to offer
    "maildir": {"IMPLEMENTS_EXPUNGE", "IMPLEMENTS_PREFETCH", "IMPLEMENTS_INDEX"},
    "mbox": {"IMPLEMENTS_INDEX"},
    "imap": set(OPERATIONS) - {"IMPLEMENTS_INDEX"},
}


@pytest.mark.parametrize("flag", sorted(OPERATIONS))
def test_each_backend_keeps_its_declared_capabilities(make_backend, backend_kind, flag) -> None:
    backend = make_backend([make_message(0)]).backend()
    folder = backend.default_folder
    (ref,) = backend.list_refs(folder)
    assert getattr(type(backend), flag) is (flag in EXPECTED[backend_kind])
    if getattr(backend, flag):
        try:
            OPERATIONS[flag](backend, folder, ref)
        except UnsupportedError:
            pytest.fail(f"{backend_kind} declares {flag} but does not implement it")
        except BackendError:
            pass  # implemented; failing for its own reasons is another test's business
    else:
        with pytest.raises(UnsupportedError, match="not supported"):
            OPERATIONS[flag](backend, folder, ref)


def test_no_module_above_the_backends_probes_one_for_a_method() -> None:
    """`getattr(backend, "...")` on a backend is what the flags replace."""
    root = Path(mailtui.__file__).parent
    probes = []
    for package in ("ui", "session", "commands", "sending", "diagnostics"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("getattr", "hasattr")
                    and node.args
                    and "backend" in ast.unparse(node.args[0])
                ):
                    probes.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    assert probes == []
