"""mutt `color` lines -> a mailtui theme, and every line that has no counterpart, by file:line.

What maps: `normal` (foreground, background), `indicator` (the cursor row: primary and the
block-cursor variables), `status` (panel), `error`, `quoted` (quote), `hdrdefault`
(header-name), and `index` lines for ~N/~U (unread), ~F (flagged) and ~D (deleted). The rest
(body and header regexes, other index patterns, tree, markers, signature, ...) is listed as
unsupported, one warning per line. Colour files named "solarized" (the classic mutt set) are
mailtui's solarized-dark / solarized-light themes; others become a theme file ("mutt")
that `mailtui config import` writes next to config.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mailtui.config.mutt import Command, Origin

THEME_NAME = "mutt"
_ANSI = {
    "black": "#000000", "red": "#cd0000", "green": "#00cd00", "yellow": "#cdcd00", "blue": "#0000ee",
    "magenta": "#cd00cd", "cyan": "#00cdcd", "white": "#e5e5e5",
    "brightblack": "#7f7f7f", "brightred": "#ff0000", "brightgreen": "#00ff00", "brightyellow": "#ffff00",
    "brightblue": "#5c5cff", "brightmagenta": "#ff00ff", "brightcyan": "#00ffff", "brightwhite": "#ffffff",
}  # fmt: skip
_ATTRIBUTES = {"bold", "underline", "reverse", "standout", "blink", "italic", "none", "normal"}
_INDEX_FLAGS = {"~N": "unread", "~U": "unread", "~F": "flagged", "~D": "deleted"}
_PLAIN_OBJECTS = {"normal", "indicator", "status", "error", "quoted", "quoted0", "hdrdefault"}


def colour_hex(name: str) -> str | None:
    """'#rrggbb' for a mutt colour name (black..white, brightX, colorN, #rrggbb); None for default."""
    text = name.strip().lower()
    if text in _ANSI:
        return _ANSI[text]
    if text.startswith("#") and len(text) == 7:
        try:
            int(text[1:], 16)
        except ValueError:
            return None
        return text
    if (
        text.startswith(("color", "brightcolor"))
        and text.removeprefix("bright").removeprefix("color").isdigit()
    ):
        return _xterm(int(text.removeprefix("bright").removeprefix("color")))
    return None


def _xterm(n: int) -> str | None:
    if n < 16:
        return list(_ANSI.values())[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        r, g, b = steps[n // 36], steps[n // 6 % 6], steps[n % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    if n < 256:
        level = 8 + (n - 232) * 10
        return f"#{level:02x}{level:02x}{level:02x}"
    return None


@dataclass
class ColourMapping:
    theme: str | None = None  # a built-in theme the lines correspond to (solarized)
    theme_toml: str | None = None  # a theme file for the colours, when not built in
    origin: Origin | None = None  # the first line that set a mapped colour
    fields: dict[str, str] = field(default_factory=dict)  # Theme fields -> #hex
    variables: dict[str, str] = field(default_factory=dict)  # mailtui theme variables -> #hex
    warnings: list[str] = field(default_factory=list)


def map_colors(commands: list[Command]) -> ColourMapping:
    """Map the colour commands; every one without a counterpart is a warning naming its line."""
    out = ColourMapping()
    solarized: Path | None = None
    for cmd in commands:
        if cmd.name not in ("color", "mono", "uncolor", "unmono"):
            continue
        if "solarized" in cmd.origin.file.name.lower() and solarized is None:
            solarized = cmd.origin.file
        shown = _shown(cmd)
        if cmd.name != "color":
            why = "mailtui has no monochrome or colour-removal settings"
            out.warnings.append(f"{cmd.origin}: {shown}: not supported ({why})")
            continue
        if not _map_one(cmd, out):
            out.warnings.append(f"{cmd.origin}: {shown}: not supported by mailtui's themes")
    if solarized is not None:
        out.theme = "solarized-light" if "light" in solarized.name.lower() else "solarized-dark"
    elif out.fields or out.variables:
        out.theme_toml = _theme_toml(out)
    return out


def _shown(cmd: Command) -> str:
    """The command on one line: a regex's newline or tab (from "\\n" in the file) written as an escape."""
    text = " ".join((cmd.name, *cmd.args))
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _map_one(cmd: Command, out: ColourMapping) -> bool:
    # color OBJECT [ATTRIBUTE...] FG BG [PATTERN]: attributes (bold, ...) carry no colour.
    args = cmd.args[:1] + tuple(a for a in cmd.args[1:] if a.lower() not in _ATTRIBUTES)
    if len(args) < 3:
        return False
    obj, fg, bg = args[0].lower(), colour_hex(args[1]), colour_hex(args[2])
    pattern = " ".join(args[3:]).strip()
    mapped: dict[str, str] = {}
    variables: dict[str, str] = {}
    if obj == "normal" and not pattern:
        mapped = {k: v for k, v in (("foreground", fg), ("background", bg)) if v}
    elif obj == "indicator" and not pattern:
        mapped = {"primary": bg} if bg else {}
        variables = {k: v for k, v in (("block-cursor-foreground", fg), ("block-cursor-background", bg)) if v}
    elif obj == "status" and not pattern:
        mapped = {"panel": bg} if bg else {}
    elif obj == "error" and not pattern:
        mapped = {"error": fg} if fg else {}
    elif obj in ("quoted", "quoted0") and not pattern:
        variables = {"quote": fg} if fg else {}
    elif obj == "hdrdefault" and not pattern:
        variables = {"header-name": fg} if fg else {}
    elif obj == "index" and pattern in _INDEX_FLAGS:
        variables = {_INDEX_FLAGS[pattern]: fg} if fg else {}
    if not mapped and not variables:
        # `color normal default default` and the like: the theme's own colours, nothing to set.
        return obj in _PLAIN_OBJECTS and not pattern and all(n.lower() == "default" for n in args[1:3])
    out.fields.update(mapped)
    out.variables.update(variables)
    if out.origin is None:
        out.origin = cmd.origin
    return True


def _is_light(hex_colour: str) -> bool:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 140


def _theme_toml(m: ColourMapping) -> str:
    fields = dict(m.fields)
    fields.setdefault("primary", fields.get("foreground", "#0178d4"))
    dark = not _is_light(fields["background"]) if "background" in fields else True
    lines = ["# mutt's colours, written by `mailtui config import`.", "[theme]", f'name = "{THEME_NAME}"']
    lines.append(f"dark = {'true' if dark else 'false'}")
    lines += [f'{k} = "{v}"' for k, v in fields.items()]
    if m.variables:
        lines += ["", "[theme.variables]"] + [f'{k} = "{v}"' for k, v in m.variables.items()]
    return "\n".join(lines) + "\n"
