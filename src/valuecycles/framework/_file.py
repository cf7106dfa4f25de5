"""Framework files: a framework written as TOML, YAML or JSON, optionally extending another."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import attrs

from valuecycles.errors import Problem, ValidationError
from valuecycles.framework._model import Cycle, Framework, Round

__all__ = ["framework_from_data", "framework_from_text", "read_framework_file"]

#: The guide's four rounds, used when a framework file names none.
DEFAULT_ROUNDS = (
    Round("aspirations", "Aspirations", "What do we hope for?"),
    Round("conditions", "Conditions", "What must be in place for it to happen?"),
    Round("indicators", "Indicators", "What would tell us that it is happening?"),
    Round("data", "Data", "What could we collect to see those indicators?"),
)


def read_framework_file(path: Path) -> Framework:
    """Read a framework file; its format comes from the suffix."""
    from valuecycles.io._formats import format_for, read_text

    fmt = format_for(path)
    text = read_text(path)
    return framework_from_text(text, fmt, source=os.fspath(path))


def framework_from_text(text: str, fmt: str, *, source: str | None = None) -> Framework:
    """Build a framework from the text of a framework file."""
    from valuecycles.io._formats import parse_text

    try:
        data, _where = parse_text(text, fmt)
    except ValidationError as exc:
        raise ValidationError(exc.errors, source=source) from None
    try:
        return framework_from_data(data)
    except ValidationError as exc:
        raise ValidationError(exc.errors, exc.warnings, source=source) from None


def framework_from_data(data: Any) -> Framework:
    """Build a framework from plain data in the framework-file shape.

    ``extends`` names a registered framework to start from: a cycle whose
    key, or one of whose aliases, is a key of the base replaces that cycle in
    its place; a new cycle goes after the base's cycles, or right after the
    cycle that its ``after`` names.
    """
    from valuecycles.io._convert import structure

    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ValidationError([Problem("$", "wrong-type", "a framework file must be a mapping")])
    data = dict(data)
    cycles_raw = data.get("cycles", [])
    afters: dict[int, str] = {}
    if isinstance(cycles_raw, list):
        cleaned = []
        for i, item in enumerate(cycles_raw):
            if isinstance(item, dict) and "after" in item:
                item = dict(item)
                after = item.pop("after")
                if isinstance(after, str):
                    afters[i] = after
                else:
                    problems.append(
                        Problem(
                            f"$.cycles[{i}].after",
                            "wrong-type",
                            "expected the key of a cycle (a string)",
                        )
                    )
            cleaned.append(item)
        data["cycles"] = cleaned
    if "rounds" not in data:
        data["rounds"] = [attrs.asdict(r) for r in DEFAULT_ROUNDS]
    try:
        own = structure(data, Framework)
    except ValidationError as exc:
        raise ValidationError([*exc.errors, *problems]) from None
    if problems:
        raise ValidationError(problems)
    base = None
    if own.extends is not None:
        from valuecycles.framework._registry import UnknownFrameworkError, load_framework

        try:
            base = load_framework(own.extends)
        except UnknownFrameworkError as exc:
            raise ValidationError([Problem("$.extends", "unknown-framework", str(exc))]) from None
    framework = _merge(base, own, afters) if base is not None else own
    problems = list(check_framework(framework, afters))
    if problems:
        raise ValidationError(problems)
    return framework


def _merge(base: Framework, own: Framework, afters: dict[int, str]) -> Framework:
    cycles: list[Cycle] = list(base.cycles)
    problems: list[Problem] = []
    for i, cycle in enumerate(own.cycles):
        names = {cycle.key, *cycle.aliases}
        spot = next((j for j, c in enumerate(cycles) if c.key in names), None)
        if spot is not None:
            old = cycles[spot]
            guidance = {**old.guidance, **cycle.guidance}
            aliases = tuple(dict.fromkeys(a for a in (*cycle.aliases, old.key) if a != cycle.key))
            cycles[spot] = attrs.evolve(cycle, guidance=guidance, aliases=aliases)
            continue
        after = afters.get(i)
        if after is None:
            cycles.append(cycle)
            continue
        anchor = next((j for j, c in enumerate(cycles) if after in (c.key, *c.aliases)), None)
        if anchor is None:
            problems.append(
                Problem(
                    f"$.cycles[{i}].after",
                    "unknown-cycle",
                    f"unknown cycle {after!r}; known: {', '.join(c.key for c in cycles)}",
                )
            )
            cycles.append(cycle)
        else:
            cycles.insert(anchor + 1, cycle)
    if problems:
        raise ValidationError(problems)
    rounds = own.rounds if own.rounds != DEFAULT_ROUNDS else base.rounds
    return attrs.evolve(
        own,
        cycles=tuple(cycles),
        rounds=rounds,
        title=own.title or base.title,
        description=own.description or base.description,
        source=own.source or base.source,
    )


def check_framework(framework: Framework, afters: dict[int, str] | None = None) -> list[Problem]:
    """Problems in a framework as a whole: duplicate keys, guidance for unknown rounds."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    round_keys = framework.round_keys
    if not framework.cycles:
        problems.append(Problem("$.cycles", "empty", "a framework needs at least one cycle"))
    for i, cycle in enumerate(framework.cycles):
        for name in (cycle.key, *cycle.aliases):
            if name in seen and seen[name] != i:
                problems.append(
                    Problem(
                        f"$.cycles[{i}].key" if name == cycle.key else f"$.cycles[{i}].aliases",
                        "duplicate-id",
                        f"cycle key or alias {name!r} is used twice",
                    )
                )
            seen[name] = i
        for round_key in cycle.guidance:
            if round_key not in round_keys:
                problems.append(
                    Problem(
                        f"$.cycles[{i}].guidance.{round_key}",
                        "unknown-round",
                        f"unknown round {round_key!r}; known: {', '.join(round_keys)}",
                    )
                )
    seen_rounds: set[str] = set()
    for i, rnd in enumerate(framework.rounds):
        if rnd.key in seen_rounds:
            problems.append(
                Problem(f"$.rounds[{i}].key", "duplicate-id", f"round {rnd.key!r} is used twice")
            )
        seen_rounds.add(rnd.key)
    return problems
