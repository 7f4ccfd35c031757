"""The names of the ready test messages (`mailtui send --preset`, compose's preset list).

Apart from `core.compose` so that building the command line (`mailtui --help`) does not
import the composer and its email modules.
"""

from __future__ import annotations

PRESETS = ("plain", "utf8", "attachment", "gtube")
