"""The layer rule of STYLE.md: only mailtui/ui/ may load textual.

Each headless module is imported in a fresh interpreter (one per module, so one module's
imports cannot hide another's), and the test fails naming every module that loaded textual.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import mailtui

PACKAGE_DIR = Path(mailtui.__file__).parent

CHECK = """
import importlib, json, sys
results = {}
for name in sys.argv[1:]:
    importlib.import_module(name)
    results[name] = "textual" in sys.modules
    if results[name]:
        break
print(json.dumps(results))
"""


def headless_modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
        parts = rel.parts
        if parts[1] == "ui" or parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_headless_modules_are_found() -> None:
    names = headless_modules()
    assert "mailtui.cli" in names and "mailtui.core.models" in names
    assert not any(name.startswith("mailtui.ui") for name in names)


def test_no_headless_module_loads_textual() -> None:
    offenders = []
    for name in headless_modules():
        out = subprocess.run([sys.executable, "-c", CHECK, name], capture_output=True, text=True, check=False)
        assert out.returncode == 0, f"importing {name} failed:\n{out.stderr}"
        if json.loads(out.stdout)[name]:
            offenders.append(name)
    assert offenders == [], f"these modules load textual (only mailtui/ui may): {offenders}"


def test_core_uses_only_the_standard_library() -> None:
    """core/ is pure: its imports are stdlib, mailtui.core, or html2text (HTML bodies)."""
    allowed_third_party = {"html2text"}
    stdlib = set(sys.stdlib_module_names)
    bad = []
    for path in sorted((PACKAGE_DIR / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top in allowed_third_party or name.startswith("mailtui.core"):
                    continue
                bad.append(f"{path.name}:{node.lineno}: {name}")
    assert bad == [], f"core/ imports outside the standard library: {bad}"


def test_help_commands_do_not_load_textual() -> None:
    code = "import sys; from mailtui.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\nprint('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
