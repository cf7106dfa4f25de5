"""The guide as a Markdown worksheet, for a workshop or a wiki."""

from __future__ import annotations

from collections.abc import Iterable

from valuecycles.framework import Framework

__all__ = ["worksheet"]


def worksheet(framework: Framework, cycles: Iterable[str] | None = None) -> str:
    """The guide's questions and example prompts as Markdown, cycle by round.

    ``cycles`` limits the worksheet to those cycles (keys or aliases), in the
    framework's order. Each list of examples ends with an empty item to fill
    in, as the guide's own lists do.

    >>> import valuecycles
    >>> from valuecycles.worksheet import worksheet
    >>> text = worksheet(valuecycles.load_framework(), ["enabling"])
    >>> print(text.splitlines()[0])
    # Enabling value
    """
    wanted = None
    if cycles is not None:
        wanted = {framework.cycle(key).key for key in cycles}
    parts: list[str] = []
    for cycle in framework.cycles:
        if wanted is not None and cycle.key not in wanted:
            continue
        parts.append(f"# {cycle.name}\n")
        if cycle.description:
            parts.append(f"{cycle.description}\n")
        for number, rnd in enumerate(framework.rounds, start=1):
            guidance = framework.guidance(cycle.key, rnd.key)
            parts.append(f"## {number}. {rnd.name}\n")
            parts.extend(f"**{q}**\n" for q in guidance.questions)
            if guidance.examples or guidance.open_ended:
                if guidance.lead:
                    parts.append(f"{guidance.lead}\n")
                items = [f"- [ ] {e}" for e in guidance.examples]
                if guidance.open_ended:
                    items.append("- [ ] …")
                parts.append("\n".join(items) + "\n")
    return "\n".join(parts)
