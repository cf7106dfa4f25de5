"""A small Sphinx extension: pages generated from valuecycles' own data.

``framework.md`` is written from the package data at every build, so the
explanation of the framework can never drift from what the library ships.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

import valuecycles


def _framework_page() -> str:
    framework = valuecycles.load_framework()
    lines = [
        "# The framework, cycle by cycle",
        "",
        "This page is generated from the data the library ships "
        "(`valuecycles.load_framework()`), so it always says what the code says. "
        f"It is the guide of framework `{framework.name}` (version {framework.version}): "
        f"{len(framework.cycles)} cycles, each planned in {len(framework.rounds)} rounds.",
        "",
        "| Cycle | Key | Role |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {c.name} | `{c.key}` | {c.role} |" for c in framework.cycles]
    lines.append("")
    lines.append(
        "The rounds: "
        + "; ".join(f"**{r.name}** (`{r.key}`): {r.description}" for r in framework.rounds)
        + "."
    )
    lines.append("")
    for cycle in framework.cycles:
        lines += [f"## {cycle.name}", "", f"Key `{cycle.key}`, role *{cycle.role}*.", ""]
        lines += [cycle.description, ""]
        for number, rnd in enumerate(framework.rounds, start=1):
            guidance = framework.guidance(cycle.key, rnd.key)
            lines += [f"### {cycle.name}: {number}. {rnd.name}", ""]
            lines += ["Key questions:", ""]
            lines += [f"- {q}" for q in guidance.questions]
            lines += ["", f"{guidance.lead}", ""]
            lines += [f"- {e}" for e in guidance.examples]
            if guidance.open_ended:
                lines.append("- … (the community's own items)")
            lines.append("")
    return "\n".join(lines)


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def generate(app: Sphinx) -> None:
    out = Path(app.srcdir) / "generated"
    out.mkdir(exist_ok=True)
    _write_if_changed(out / "framework.md", _framework_page())


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
