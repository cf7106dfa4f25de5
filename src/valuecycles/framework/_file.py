"""Framework files: a framework written as TOML, YAML or JSON, optionally extending another.

A framework file has ``name``, ``version`` (a string), optionally ``extends``
(a registered framework's name, or a framework file beside this one), and
``cycles``. A cycle whose key, or one of whose aliases, is a key or alias of
a base cycle replaces that cycle in its place: keys it leaves out (name,
description, role, a round's guidance) come from the base cycle, and the base
cycle's key stays on as an alias. A new cycle goes after the others, or right
after the cycle its ``after`` names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from valuecycles._text import Converter
from valuecycles.errors import (
    PluginError,
    Problem,
    UnknownFrameworkError,
    ValidationError,
    join_path,
)
from valuecycles.framework._model import DEFAULT_ROUNDS, Cycle, Framework, Round

#: Framework files are read and written with a converter of their own.
_CONVERTER: Final = Converter()

__all__ = [
    "CYCLE_FILE_KEYS",
    "DEFAULT_ROUNDS",
    "check_framework",
    "framework_from_data",
    "framework_from_text",
    "framework_to_data",
    "read_framework_file",
]

#: The keys a cycle may have in a framework file (``after`` only in files).
CYCLE_FILE_KEYS: Final = ("key", "name", "description", "role", "aliases", "guidance", "after")
_INHERITED: Final = ("name", "description", "role")
_MAX_DEPTH: Final = 16

Where = dict[str, tuple[int, int]]


def _with_positions(problems: Sequence[Problem], where: Where | None) -> list[Problem]:
    from valuecycles._text import with_positions as place

    return place(list(problems), where or {})


def read_framework_file(path: Path, *, _seen: tuple[Path, ...] = ()) -> Framework:
    """Read a framework file; its format comes from the suffix.

    Raises :class:`valuecycles.ValidationError` with every problem, each
    with its path in the file and, for YAML, its line and column.
    """
    from valuecycles._text import format_for, read_text

    fmt = format_for(path)
    text = read_text(path)
    resolved = path.resolve()
    if resolved in _seen:
        chain = " -> ".join(os.fspath(p) for p in (*_seen, resolved))
        raise ValidationError(
            [
                Problem(
                    "$.extends", "circular-extends", f"framework files extend in a ring: {chain}"
                )
            ],
            source=os.fspath(path),
        )
    return framework_from_text(
        text, fmt, source=os.fspath(path), base_dir=path.parent, _seen=(*_seen, resolved)
    )


def framework_from_text(
    text: str,
    fmt: str,
    *,
    source: str | None = None,
    base_dir: Path | None = None,
    _seen: tuple[Path, ...] = (),
) -> Framework:
    """Build a framework from the text of a framework file in ``fmt`` (json, yaml, toml).

    >>> fw = framework_from_text('''
    ... name: sharing
    ... cycles:
    ...   - {key: sharing, name: Sharing value}
    ... ''', "yaml")
    >>> fw.cycle_keys, fw.round_keys
    (('sharing',), ('aspirations', 'conditions', 'indicators', 'data'))
    """
    from valuecycles._text import parse_text

    try:
        data, where = parse_text(text, fmt)
    except ValidationError as exc:
        raise ValidationError(exc.errors, source=source) from None
    try:
        return framework_from_data(data, base_dir=base_dir, _seen=_seen)
    except ValidationError as exc:
        raise ValidationError(
            _with_positions(exc.errors, where),
            _with_positions(exc.warnings, where),
            source=source,
        ) from None


def _load_base(extends: str, base_dir: Path | None, seen: tuple[Path, ...]) -> Framework:
    from valuecycles.framework._registry import is_framework_file, load_framework

    if is_framework_file(extends):
        path = Path(extends)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        if len(seen) >= _MAX_DEPTH:
            raise ValidationError(
                [Problem("$.extends", "circular-extends", "framework files extend too deeply")]
            )
        return read_framework_file(path, _seen=seen)
    return load_framework(extends)


def _base_problem(extends: str, exc: Exception) -> Problem:

    if isinstance(exc, UnknownFrameworkError):
        return Problem("$.extends", "unknown-framework", str(exc))
    if isinstance(exc, PluginError):
        return Problem("$.extends", "framework-error", str(exc))
    assert isinstance(exc, ValidationError)
    first = exc.errors[0] if exc.errors else None
    if first is not None and first.code in ("file-not-found", "unreadable", "circular-extends"):
        return Problem("$.extends", first.code, first.message)
    where = f" in {exc.source}" if exc.source else ""
    details = "; ".join(str(p) for p in exc.errors[:3])
    more = f" (and {len(exc.errors) - 3} more)" if len(exc.errors) > 3 else ""
    return Problem(
        "$.extends",
        "invalid-base",
        f"the framework {extends!r} it extends has errors{where}: {details}{more}",
    )


def _match(base: Sequence[Cycle], names: set[str]) -> list[int]:
    return [j for j, c in enumerate(base) if names & {c.key, *c.aliases}]


def framework_from_data(
    data: Any, *, base_dir: Path | None = None, _seen: tuple[Path, ...] = ()
) -> Framework:
    """Build a framework from plain data in the framework-file shape.

    Every problem is reported at once, with its path in the data
    (``$.cycles[2].guidance.wishes``). ``extends`` names a registered
    framework to start from (or a framework file, relative to ``base_dir``).

    >>> fw = framework_from_data({
    ...     "name": "with-orienting", "extends": "wenger-trayner",
    ...     "cycles": [{"key": "orienting", "name": "Orienting value",
    ...                 "role": "cross-cutting", "after": "transformative"}],
    ... })
    >>> fw.cycle_keys[4:]
    ('transformative', 'orienting', 'strategic', 'enabling')
    """
    if not isinstance(data, dict):
        raise ValidationError([Problem("$", "wrong-type", "a framework file must be a mapping")])
    problems: list[Problem] = []

    base: Framework | None = None
    extends = data.get("extends")
    if isinstance(extends, str) and extends.strip():
        try:
            base = _load_base(extends, base_dir, _seen)
        except (LookupError, ValidationError, RuntimeError) as exc:
            problems.append(_base_problem(extends, exc))

    # The framework's own fields, without its cycles and rounds.
    top = {k: v for k, v in data.items() if k not in ("cycles", "rounds")}
    own: Framework | None = None
    try:
        own = _CONVERTER.structure(top, Framework)
    except ValidationError as exc:
        problems += _hint_version(exc.errors, data)

    rounds = _structure_rounds(data, base, problems)
    round_keys = tuple(r.key for r in rounds)
    raw_cycles = data.get("cycles", [])
    if not isinstance(raw_cycles, list):
        raw_cycles = []
    cycles, afters = _structure_cycles(data, base, round_keys, problems)
    if "cycles" not in data and base is None:
        problems.append(Problem("$.cycles", "missing-field", "required field 'cycles' is missing"))
    problems += _check_names(
        [
            (i, c.get("key"), c.get("aliases"))
            for i, c in enumerate(raw_cycles)
            if isinstance(c, dict)
        ]
    )
    merged = _merge(base.cycles if base is not None else (), cycles, afters, problems)
    if not merged and not any(p.path.startswith(("$.cycles", "$.extends")) for p in problems):
        problems.append(Problem("$.cycles", "empty", "a framework needs at least one cycle"))
    if problems or own is None:
        raise ValidationError(sorted(problems, key=_order))
    framework = attrs.evolve(
        own,
        cycles=tuple(merged),
        rounds=rounds,
        title=own.title if own.title is not None else (base.title if base else None),
        description=(
            own.description if own.description is not None else (base.description if base else None)
        ),
        source=own.source if own.source is not None else (base.source if base else None),
    )
    remaining = check_framework(framework)
    if remaining:
        raise ValidationError(remaining)
    return framework


def _order(p: Problem) -> tuple[int, str]:
    return (0 if p.path == "$" else 1, p.path)


def _hint_version(problems: Sequence[Problem], data: Mapping[str, Any]) -> list[Problem]:
    out = []
    for p in problems:
        if p.path == "$.version" and p.code == "wrong-type":
            p = attrs.evolve(
                p, message=f'{p.message}; write the version as text: "{data.get("version")}"'
            )
        if p.path in ("$.cycles", "$.rounds"):
            continue
        out.append(p)
    return out


def _structure_rounds(
    data: Mapping[str, Any], base: Framework | None, problems: list[Problem]
) -> tuple[Round, ...]:
    fallback = base.rounds if base is not None else DEFAULT_ROUNDS
    if "rounds" not in data:
        return fallback
    raw = data["rounds"]
    if not isinstance(raw, list):
        problems.append(Problem("$.rounds", "wrong-type", "expected a list of rounds"))
        return fallback
    if not raw:
        problems.append(Problem("$.rounds", "empty", "a framework needs at least one round"))
        return fallback
    rounds: list[Round] = []
    broken = False
    for i, item in enumerate(raw):
        try:
            rounds.append(_CONVERTER.structure(item, Round, root=f"$.rounds[{i}]"))
        except ValidationError as exc:
            problems += exc.errors
            broken = True
    seen: dict[str, int] = {}
    for i, rnd in enumerate(rounds):
        if rnd.key in seen:
            problems.append(
                Problem(
                    f"$.rounds[{i}].key",
                    "duplicate-id",
                    f"round {rnd.key!r} is also $.rounds[{seen[rnd.key]}]",
                )
            )
        seen.setdefault(rnd.key, i)
    return fallback if broken else tuple(rounds)


def _structure_cycles(
    data: Mapping[str, Any],
    base: Framework | None,
    round_keys: tuple[str, ...],
    problems: list[Problem],
) -> tuple[dict[int, Cycle], dict[int, str]]:
    """The file's own cycles by their index in the file, and their ``after``s."""
    raw = data.get("cycles", [])
    cycles: dict[int, Cycle] = {}
    afters: dict[int, str] = {}
    if not isinstance(raw, list):
        problems.append(Problem("$.cycles", "wrong-type", "expected a list of cycles"))
        return cycles, afters
    for i, item in enumerate(raw):
        path = f"$.cycles[{i}]"
        if not isinstance(item, dict):
            problems.append(Problem(path, "wrong-type", "expected a mapping (a cycle)"))
            continue
        item = dict(item)
        for key in sorted(k for k in item if k not in CYCLE_FILE_KEYS):
            problems.append(
                Problem(
                    join_path(path, str(key)),
                    "unknown-key",
                    f"unknown key {key!r}; known: {', '.join(CYCLE_FILE_KEYS)}",
                )
            )
            del item[key]
        if "after" in item:
            after = item.pop("after")
            if isinstance(after, str):
                afters[i] = after
            else:
                problems.append(
                    Problem(f"{path}.after", "wrong-type", "expected the key of a cycle (a string)")
                )
        guidance = item.get("guidance")
        if isinstance(guidance, dict):
            problems += _unknown_rounds(path, guidance, round_keys)
            item["guidance"] = {k: v for k, v in guidance.items() if k in round_keys}
        if base is not None:
            _inherit(item, base)
        try:
            cycles[i] = _CONVERTER.structure(item, Cycle, root=path)
        except ValidationError as exc:
            problems += exc.errors
    return cycles, afters


def _inherit(item: dict[str, Any], base: Framework) -> None:
    """Fill a replacement cycle's missing name, description and role from the base."""
    names = {item.get("key")}
    aliases = item.get("aliases")
    if isinstance(aliases, list):
        names |= set(aliases)
    spots = _match(base.cycles, {n for n in names if isinstance(n, str)})
    if not spots:
        return  # a new cycle; several matches are reported when merging
    old = base.cycles[spots[0]]
    for key in _INHERITED:
        if key not in item:
            item[key] = getattr(old, key)


def _bad_id(name: str) -> bool:
    return name != name.strip() or "\n" in name or "\r" in name


def _unknown_rounds(
    path: str, guidance: Mapping[Any, Any], round_keys: tuple[str, ...]
) -> list[Problem]:
    return [
        Problem(
            join_path(f"{path}.guidance", str(key)),
            "unknown-round",
            f"unknown round {key!r}; known: {', '.join(round_keys)}",
        )
        for key in guidance
        if key not in round_keys
    ]


def _check_names(entries: Sequence[tuple[int, object, object]]) -> list[Problem]:
    """Cycle keys and aliases that are not ids or are used twice.

    ``entries`` holds each cycle's index, key and aliases as given (values
    of the wrong type are skipped: the structure check reports them).
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, key, aliases in entries:
        names: list[tuple[str, object]] = [("key", key)]
        if isinstance(aliases, list | tuple):
            names += [(f"aliases[{j}]", a) for j, a in enumerate(aliases)]
        for where, name in names:
            if not isinstance(name, str) or not name.strip():
                continue
            path = f"$.cycles[{i}].{where}"
            if _bad_id(name):
                problems.append(
                    Problem(path, "invalid-id", f"{name!r} has spaces at its ends or a line break")
                )
            if name in seen:
                other = seen[name]
                problems.append(
                    Problem(
                        path,
                        "duplicate-id",
                        f"cycle key or alias {name!r} is used twice"
                        + (f" (also by $.cycles[{other}])" if other != i else ""),
                    )
                )
            seen.setdefault(name, i)
    return problems


def _merge(
    base: Sequence[Cycle],
    own: Mapping[int, Cycle],
    afters: Mapping[int, str],
    problems: list[Problem],
) -> list[Cycle]:
    cycles = list(base)
    origin: dict[int, int] = {}  # id() of a cycle this file put in -> its index in the file
    for i, cycle in own.items():
        path = f"$.cycles[{i}]"
        names = {cycle.key, *cycle.aliases}
        spots = _match(cycles, names)
        if len(spots) > 1:
            problems.append(
                Problem(
                    path,
                    "ambiguous-cycle",
                    f"cycle {cycle.key!r} matches several cycles by key or alias: "
                    + ", ".join(cycles[j].key for j in spots),
                )
            )
            continue
        if spots:
            j = spots[0]
            old = cycles[j]
            if id(old) in origin:
                other = own[origin[id(old)]]
                if not names & {other.key, *other.aliases}:  # else reported as a duplicate
                    problems.append(
                        Problem(
                            path,
                            "duplicate-id",
                            f"cycle {cycle.key!r} replaces the same cycle as "
                            f"$.cycles[{origin[id(old)]}] ({other.key!r})",
                        )
                    )
                continue
            guidance = {**old.guidance, **cycle.guidance}
            aliases = tuple(
                dict.fromkeys(a for a in (*cycle.aliases, old.key, *old.aliases) if a != cycle.key)
            )
            new = attrs.evolve(cycle, guidance=guidance, aliases=aliases)
            origin[id(new)] = i
            if i in afters:
                cycles.pop(j)
                _insert(cycles, new, afters[i], path, problems)
            else:
                cycles[j] = new
            continue
        origin[id(cycle)] = i
        if i in afters:
            _insert(cycles, cycle, afters[i], path, problems)
        else:
            cycles.append(cycle)
    return cycles


def _insert(
    cycles: list[Cycle], cycle: Cycle, after: str, path: str, problems: list[Problem]
) -> None:
    anchor = next((j for j, c in enumerate(cycles) if after in (c.key, *c.aliases)), None)
    if anchor is None:
        problems.append(
            Problem(
                f"{path}.after",
                "unknown-cycle",
                f"unknown cycle {after!r}; known: {', '.join(c.key for c in cycles) or 'none'}",
            )
        )
        cycles.append(cycle)
    else:
        cycles.insert(anchor + 1, cycle)


def check_framework(framework: Framework) -> list[Problem]:
    """Problems in a framework as a whole: no cycles or rounds, duplicate keys, bad guidance.

    Paths point into the framework's own cycles and rounds
    (``$.cycles[2].aliases[0]``).
    """
    problems: list[Problem] = []
    if not framework.cycles:
        problems.append(Problem("$.cycles", "empty", "a framework needs at least one cycle"))
    if not framework.rounds:
        problems.append(Problem("$.rounds", "empty", "a framework needs at least one round"))
    problems += _check_names([(i, c.key, c.aliases) for i, c in enumerate(framework.cycles)])
    for i, cycle in enumerate(framework.cycles):
        problems += _unknown_rounds(f"$.cycles[{i}]", cycle.guidance, framework.round_keys)
    seen_rounds: dict[str, int] = {}
    for i, rnd in enumerate(framework.rounds):
        if rnd.key in seen_rounds:
            problems.append(
                Problem(f"$.rounds[{i}].key", "duplicate-id", f"round {rnd.key!r} is used twice")
            )
        seen_rounds.setdefault(rnd.key, i)
    return problems


def framework_to_data(framework: Framework) -> dict[str, Any]:
    """Plain data in the framework-file shape: what :func:`framework_from_data` reads back.

    The result is the whole framework (a base it extended is already merged
    in), so ``extends`` is left out; defaults are left out too.
    """
    data: dict[str, Any] = _CONVERTER.unstructure(framework)
    data.pop("extends", None)
    out: dict[str, Any] = {"name": framework.name, "version": framework.version}
    out.update(data)
    out["rounds"] = [_CONVERTER.unstructure(r) for r in framework.rounds]
    out["cycles"] = [_CONVERTER.unstructure(c) for c in framework.cycles]
    return out
