"""An independent reading of the guide's text, used to check the package data.

The guide (``shared/seed/...txt``) is Markdown with HTML tables. This parser is
deliberately separate from the library: the tests compare what it reads from
the guide with what ``load_framework()`` returns, cell by cell.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_ROW = re.compile(r"^<b>(\d)\. (\w+)</b>\t(.*?)\t(.*)$")
_ITEM = re.compile(r"<li>•\s*(.*?)</li>")


def find_guide() -> Path | None:
    """Return the guide's path if a copy of ``shared/`` sits beside the checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "shared" / "seed", here / "shared" / "seed"):
        if candidate.is_dir():
            for path in sorted(candidate.glob("*.txt")):
                return path
    return None


def _questions(cell: str) -> list[str]:
    parts = re.findall(r"<p>(.*?)</p>", cell) if "<p>" in cell else re.split(r"\s{2,}", cell)
    return [p.strip() for p in parts if p.strip()]


def _examples(cell: str) -> tuple[str, list[str], bool]:
    head = cell.split("<ul", 1)[0]
    lead = re.sub(r"</?p>", "", head).strip()
    items = [m.strip() for m in _ITEM.findall(cell)]
    open_ended = bool(items) and items[-1] == ""
    return lead, [i for i in items if i], open_ended


def parse_guide(text: str) -> list[dict[str, Any]]:
    """Parse the guide into a list of cycles with their description and cells."""
    cycles: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    intro: list[str] = []
    in_table = False
    for line in text.splitlines():
        heading = re.match(r"^## (\w+) value\s*$", line)
        if heading:
            current = {
                "key": heading.group(1).lower(),
                "name": f"{heading.group(1)} value",
                "rounds": {},
            }
            cycles.append(current)
            intro = []
            in_table = False
            continue
        if current is None:
            continue
        if line.startswith("Round\tKey questions"):
            current["description"] = "\n\n".join(_join_intro(intro))
            in_table = True
            continue
        if in_table:
            row = _ROW.match(line)
            if row:
                lead, examples, open_ended = _examples(row.group(4))
                current["rounds"][row.group(2).lower()] = {
                    "number": int(row.group(1)),
                    "questions": _questions(row.group(3)),
                    "lead": lead,
                    "examples": examples,
                    "open_ended": open_ended,
                }
        else:
            intro.append(line)
    return cycles


def _join_intro(lines: list[str]) -> list[str]:
    """Paragraphs of the introduction; a bullet list stays one paragraph."""
    paragraphs: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line.strip())
        elif block:
            paragraphs.append("\n".join(block))
            block = []
    return paragraphs
