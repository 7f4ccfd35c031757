"""The layer rules of STYLE.md: only mailtui/ui/ may load textual, and the import contracts hold.

Each headless module is imported in a fresh interpreter (one per module, so one module's
imports cannot hide another's), and the test fails naming every module that loaded textual.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(lint), "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_the_layer_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts (layers, independent backends, pure core)."""
    root = PACKAGE_DIR.parent
    out = _lint_imports(root, root)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "contract"),
    [
        ("core/models.py", "import mailtui.ui.app", "Layers"),
        ("backends/maildir/names.py", "import mailtui.backends.imap.uids", "independent"),
        ("core/sanitize.py", "import dns.resolver", "core is pure"),
        ("ui/screens/confirm.py", "import mailtui.demo.relay", "demo"),
    ],
)
def test_breaking_a_contract_fails_the_lint(
    tmp_path: Path, module: str, bad_import: str, contract: str
) -> None:
    """The contracts can fail: a copy of the package with one wrong import is refused."""
    root = PACKAGE_DIR.parent
    shutil.copytree(PACKAGE_DIR, tmp_path / "mailtui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "mailtui" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{bad_import}  # noqa\n", encoding="utf-8")
    out = _lint_imports(tmp_path, tmp_path)
    assert out.returncode != 0, out.stdout[-2000:]
    broken = [line for line in out.stdout.splitlines() if line.endswith("BROKEN")]
    assert len(broken) >= 1 and any(contract in line for line in broken), out.stdout[-2000:]
