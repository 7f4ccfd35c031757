"""`[ui.viewers]`: per-type attachment commands, read from the file, bad entries refused with their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.config.load import load_config
from mailtui.core.errors import ConfigError

ACCOUNT = '[[account]]\nname = "a"\nfrom = "a@example.org"\nmaildir = "/tmp/m"\n'


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_viewers_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path, ACCOUNT + '[ui.viewers]\n"application/PDF" = "pdftotext %s -"\n')
    assert load_config(path).ui.viewers == {"application/pdf": "pdftotext %s -"}


def test_viewer_without_command_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, ACCOUNT + '[ui.viewers]\n"application/pdf" = 3\n')
    with pytest.raises(ConfigError, match="ui.viewers"):
        load_config(path)


def test_example_config_has_viewers() -> None:
    example = Path(__file__).parents[2] / "config.example.toml"
    assert "application/pdf" in load_config(example).ui.viewers
