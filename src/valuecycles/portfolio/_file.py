"""The portfolio file: which cases, and the portfolio's own indicators.

A portfolio file (YAML, JSON or TOML) is read as strictly as a case: every
problem at once, each with its path (``$.indicators[1].combine``) and, for
YAML, its line; a reference to a case the file does not list is named with
the closest known case.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, get_args

import attrs

from valuecycles._text import format_for, is_id, parse_text, read_text, with_positions
from valuecycles.errors import Problem, ValidationError, join_path, unknown_message

__all__ = [
    "COMBINE_RULES",
    "PERIOD_GRAINS",
    "THRESHOLD_TESTS",
    "Portfolio",
    "PortfolioCase",
    "PortfolioIndicator",
    "Selector",
    "Threshold",
    "load_portfolio",
    "portfolio_from_data",
    "portfolio_schema",
]

Combine = Literal["sum", "latest", "ratio", "count"]
#: How a portfolio indicator combines the communities' figures.
COMBINE_RULES: Final[tuple[Combine, ...]] = get_args(Combine)
Test = Literal["progress_at_least", "latest_at_least", "latest_at_most"]
#: The tests a ``count`` indicator's ``when`` can make.
THRESHOLD_TESTS: Final[tuple[Test, ...]] = get_args(Test)
Grain = Literal["month", "quarter", "year"]
#: The periods a portfolio indicator may be counted by (``per``).
PERIOD_GRAINS: Final[tuple[Grain, ...]] = get_args(Grain)

SCHEMA_VERSION: Final = 1
_TOP_KEYS: Final = ("schema_version", "name", "description", "frameworks", "cases", "indicators")
_INDICATOR_KEYS: Final = (
    "id",
    "name",
    "unit",
    "description",
    "combine",
    "from",
    "numerator",
    "denominator",
    "when",
    "per",
)
_SELECTOR_KEYS: Final = ("case", "indicator", "tag")
_GLOB_CHARS: Final = frozenset("*?[")

Where = Mapping[str, tuple[int, int]]


@attrs.frozen
class Selector:
    """Which case indicators feed a portfolio indicator.

    ``{case: nurses, indicator: attendance}`` picks one indicator of one
    case; ``{indicator: attendance}`` that indicator in every case that has
    it; ``{tag: active-members}`` every case indicator whose
    ``extra.portfolio`` is that tag. ``path`` is where the selector is in
    the portfolio file (``$.indicators[0].from[1]``).

    >>> Selector(path="$.indicators[0].from[0]", tag="active-members").matches(
    ...     "nurses", "attendance", {"portfolio": "active-members"})
    True
    """

    path: str
    case: str | None = None
    indicator: str | None = None
    tag: str | None = None

    def matches(self, case_id: str, indicator_id: str, extra: Mapping[str, object]) -> bool:
        """Whether this selector picks the indicator ``indicator_id`` of case ``case_id``."""
        if self.tag is not None:
            return extra.get("portfolio") == self.tag
        if self.case is not None and self.case != case_id:
            return False
        return self.indicator == indicator_id

    def to_dict(self) -> dict[str, Any]:
        """The selector as the file writes it."""
        out: dict[str, Any] = {}
        for key in _SELECTOR_KEYS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@attrs.frozen
class Threshold:
    """The condition a ``count`` indicator counts communities by (its ``when``).

    ``progress_at_least``: the period's value is at least this far from the
    case indicator's baseline toward its target (1.0: at or past the
    target); ``latest_at_least`` / ``latest_at_most``: the period's value
    itself is at least / at most this number.

    >>> Threshold("latest_at_most", 24).met(20, baseline=None, target=None, direction="decrease")
    True
    """

    test: Test
    value: int | float

    def met(
        self,
        value: int | float,
        *,
        baseline: int | float | None,
        target: int | float | None,
        direction: str,
    ) -> bool | None:
        """Whether ``value`` meets the condition; ``None`` when it cannot be judged.

        ``progress_at_least`` needs a baseline and a target on the right side
        of it for ``direction`` (as :func:`valuecycles.progress` does).
        """
        if self.test == "latest_at_least":
            return value >= self.value
        if self.test == "latest_at_most":
            return value <= self.value
        if baseline is None or target is None:
            return None
        span = target - baseline
        if span == 0 or (span > 0) != (direction == "increase"):
            return None
        return (value - baseline) / span >= self.value


@attrs.frozen
class PortfolioIndicator:
    """One of the portfolio's own indicators: a crosswalk from case indicators.

    ``combine`` is ``sum``, ``latest``, ``ratio`` or ``count``; ``sources``
    are the selectors of ``from`` (``sum``, ``latest``, ``count``);
    ``numerator`` and ``denominator`` those of a ``ratio``; ``when`` the
    condition a ``count`` counts by; ``per`` the period it is counted by
    (``None``: the periods the cases report in, the coarsest when they
    differ). ``path`` is where it is in the file.
    """

    id: str
    name: str
    combine: Combine
    path: str
    unit: str | None = None
    description: str | None = None
    sources: tuple[Selector, ...] = ()
    numerator: tuple[Selector, ...] = ()
    denominator: tuple[Selector, ...] = ()
    when: Threshold | None = None
    per: Grain | None = None

    def selectors(self) -> Iterator[Selector]:
        """Every selector of this indicator: ``from``, numerator and denominator."""
        yield from self.sources
        yield from self.numerator
        yield from self.denominator


@attrs.frozen
class PortfolioCase:
    """One case of a portfolio: its ``id`` (the file's stem) and its ``path``."""

    id: str
    path: Path


@attrs.frozen
class Portfolio:
    """A portfolio: many communities' cases and the indicators they roll up to.

    Read one with :func:`load_portfolio`; roll it up with
    :func:`valuecycles.rollup`. ``cases`` come in the order the file lists
    them (a glob's matches sorted); ``frameworks`` are framework files for
    cases on a framework that is not installed; ``where`` maps a path in the
    file (``$.indicators[0]``) to its line and column, for messages.

    >>> import valuecycles as vc
    >>> portfolio = vc.load_portfolio("examples/portfolio/portfolio.yaml")
    >>> portfolio.name
    'Regional health networks'
    >>> [c.id for c in portfolio.cases][:2]
    ['city-pharmacists', 'coastal-nurses']
    """

    name: str
    cases: tuple[PortfolioCase, ...]
    indicators: tuple[PortfolioIndicator, ...] = ()
    frameworks: tuple[Path, ...] = ()
    description: str | None = None
    source: Path | None = None
    where: Where = attrs.field(factory=dict, repr=False, eq=False)

    def case(self, case_id: str) -> PortfolioCase:
        """The case with this id; :class:`KeyError` naming the known ones otherwise."""
        for item in self.cases:
            if item.id == case_id:
                return item
        raise KeyError(unknown_message("case", case_id, [c.id for c in self.cases]))


def load_portfolio(path: str | os.PathLike[str]) -> Portfolio:
    """Read a portfolio file (YAML, JSON or TOML, from the suffix).

    Case paths and globs are relative to the file's folder; a case's id is
    its file's stem. Raises :class:`valuecycles.ValidationError` with every
    problem at once, each with its path and (YAML) line: unknown keys,
    values of the wrong type, a glob that matches nothing, two cases with
    the same stem, a selector naming a case the file does not list (with
    the closest known one). Whether a case has the indicators named is
    checked when the cases are read, by :func:`valuecycles.rollup`.

    >>> import valuecycles as vc
    >>> portfolio = vc.load_portfolio("examples/portfolio/portfolio.yaml")
    >>> [(i.id, i.combine) for i in portfolio.indicators]  # doctest: +NORMALIZE_WHITESPACE
    [('active-members', 'sum'), ('documents-to-date', 'latest'), ('reply-share', 'ratio'),
     ('on-track', 'count')]
    """
    name = os.fspath(path)
    fmt = format_for(path)
    text = read_text(path)
    try:
        data, where = parse_text(text, fmt)
    except ValidationError as exc:
        raise ValidationError(exc.errors, source=name) from None
    try:
        return portfolio_from_data(data, base_dir=Path(path).parent, source=Path(path), where=where)
    except ValidationError as exc:
        raise ValidationError(
            with_positions(exc.errors, where), with_positions(exc.warnings, where), source=name
        ) from None


class _Reader:
    """Collects every problem while checking the plain data of a portfolio file."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def keys(self, data: Mapping[Any, Any], path: str, known: Sequence[str]) -> None:
        for key in data:
            if key not in known:
                self.add(
                    join_path(path, str(key)),
                    "unknown-key",
                    unknown_message("key", str(key), known),
                )

    def text(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> str | None:
        where = join_path(path, key)
        if key not in data or data[key] is None:
            if required:
                self.add(where, "missing-field", f"required field {key!r} is missing")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.add(where, "wrong-type", f"expected a text, got {_kind(value)}")
            return None
        if not value.strip():
            self.add(where, "empty", f"{key!r} is empty")
            return None
        return value

    def ident(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> str | None:
        value = self.text(data, key, path, required=required)
        if value is not None and not is_id(value):
            self.add(
                join_path(path, key), "invalid-id", f"{value!r} has spaces at its ends or a break"
            )
            return None
        return value

    def choice(
        self, data: Mapping[str, Any], key: str, path: str, allowed: Sequence[str]
    ) -> str | None:
        value = self.text(data, key, path)
        if value is not None and value not in allowed:
            self.add(
                join_path(path, key),
                "invalid-value",
                unknown_message(key, value, allowed).replace("; known:", "; one of:"),
            )
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Any] | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, list):
            self.add(join_path(path, key), "wrong-type", f"expected a list, got {_kind(value)}")
            return None
        return value


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a text ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def portfolio_from_data(
    data: Any,
    *,
    base_dir: Path | None = None,
    source: Path | None = None,
    where: Where | None = None,
) -> Portfolio:
    """Build a portfolio from the plain data of a portfolio file.

    ``base_dir`` is the folder case paths and globs are relative to (the
    current folder by default). Raises :class:`valuecycles.ValidationError`
    with every problem.

    >>> try:
    ...     portfolio_from_data({"schema_version": 1, "name": "Two", "cases": ["nosuch/*.yaml"]})
    ... except ValueError as exc:  # a ValidationError
    ...     print(exc.errors[0])
    $.cases[0]: no case file matches 'nosuch/*.yaml' [no-match]
    """
    base = base_dir if base_dir is not None else Path()
    read = _Reader()
    if not isinstance(data, dict):
        raise ValidationError(
            [Problem("$", "wrong-type", f"a portfolio file must be a mapping, got {_kind(data)}")]
        )
    read.keys(data, "$", _TOP_KEYS)
    version = data.get("schema_version")
    if "schema_version" not in data:
        read.add("$.schema_version", "missing-field", "required field 'schema_version' is missing")
    elif version != SCHEMA_VERSION or isinstance(version, bool):
        read.add(
            "$.schema_version",
            "unsupported-version",
            f"schema version {version!r} is not one this valuecycles reads (1)",
        )
    name = read.text(data, "name", "$", required=True)
    description = read.text(data, "description", "$")
    frameworks = _frameworks(data, base, read)
    cases = _cases(data, base, source, read)
    known = [c.id for c in cases]
    indicators = _indicators(data, known, read)
    if read.problems:
        raise ValidationError(read.problems)
    assert name is not None
    return Portfolio(
        name=name,
        description=description,
        cases=tuple(cases),
        indicators=tuple(indicators),
        frameworks=tuple(frameworks),
        source=source,
        where=dict(where or {}),
    )


def _frameworks(data: Mapping[str, Any], base: Path, read: _Reader) -> list[Path]:
    items = read.items(data, "frameworks", "$")
    out: list[Path] = []
    for i, item in enumerate(items or ()):
        path = f"$.frameworks[{i}]"
        if not isinstance(item, str) or not item.strip():
            read.add(path, "wrong-type", f"expected a framework file's path, got {_kind(item)}")
            continue
        file = base / item
        if not file.is_file():
            read.add(path, "file-not-found", f"no such framework file: {file}")
            continue
        out.append(file)
    return out


def _cases(
    data: Mapping[str, Any], base: Path, source: Path | None, read: _Reader
) -> list[PortfolioCase]:
    if "cases" not in data:
        read.add("$.cases", "missing-field", "required field 'cases' is missing")
        return []
    items = read.items(data, "cases", "$")
    if items is None:
        return []
    if not items:
        read.add("$.cases", "empty", "a portfolio needs at least one case")
    own = source.resolve() if source is not None else None
    found: list[tuple[Path, str]] = []
    for i, item in enumerate(items):
        path = f"$.cases[{i}]"
        if not isinstance(item, str) or not item.strip():
            read.add(path, "wrong-type", f"expected a path or a glob, got {_kind(item)}")
            continue
        pattern = os.path.join(os.fspath(base), item)
        if _GLOB_CHARS & set(item):
            matches = [Path(m) for m in sorted(glob.glob(pattern, recursive=True))]
            matches = [m for m in matches if m.is_file() and m.resolve() != own]
            if not matches:
                read.add(path, "no-match", f"no case file matches {item!r}")
            found += [(m, path) for m in matches]
        else:
            file = Path(pattern)
            if not file.is_file():
                read.add(path, "file-not-found", f"no such case file: {file}")
                continue
            found.append((file, path))
    cases: list[PortfolioCase] = []
    seen_files: set[Path] = set()
    seen_ids: dict[str, Path] = {}
    for file, path in found:
        resolved = file.resolve()
        if resolved in seen_files:
            continue  # listed twice (a path and a glob): one case
        seen_files.add(resolved)
        case_id = file.stem
        if case_id in seen_ids:
            read.add(
                path,
                "duplicate-id",
                f"two case files have the id {case_id!r} (a case's id is its file's stem): "
                f"{seen_ids[case_id]} and {file}",
            )
            continue
        seen_ids[case_id] = file
        cases.append(PortfolioCase(case_id, file))
    return cases


def _indicators(
    data: Mapping[str, Any], known_cases: Sequence[str], read: _Reader
) -> list[PortfolioIndicator]:
    items = read.items(data, "indicators", "$") or []
    out: list[PortfolioIndicator] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        path = f"$.indicators[{i}]"
        if not isinstance(item, dict):
            read.add(path, "wrong-type", f"expected a mapping (an indicator), got {_kind(item)}")
            continue
        before = len(read.problems)
        read.keys(item, path, _INDICATOR_KEYS)
        ind_id = read.ident(item, "id", path, required=True)
        name = read.text(item, "name", path, required=True)
        unit = read.text(item, "unit", path)
        description = read.text(item, "description", path)
        combine = read.choice(item, "combine", path, COMBINE_RULES)
        if "combine" not in item:
            read.add(
                f"{path}.combine",
                "missing-field",
                f"required field 'combine' is missing; one of: {', '.join(COMBINE_RULES)}",
            )
        per = read.choice(item, "per", path, PERIOD_GRAINS)
        if ind_id is not None:
            if ind_id in seen:
                read.add(
                    f"{path}.id",
                    "duplicate-id",
                    f"indicator {ind_id!r} is also $.indicators[{seen[ind_id]}]",
                )
            seen.setdefault(ind_id, i)
        sources: list[Selector] = []
        numerator: list[Selector] = []
        denominator: list[Selector] = []
        when: Threshold | None = None
        if combine == "ratio":
            for key in ("from", "when"):
                if key in item:
                    read.add(
                        f"{path}.{key}",
                        "not-allowed",
                        f"a ratio has no {key!r}: it takes 'numerator' and 'denominator'",
                    )
            numerator = _selectors(item, "numerator", path, known_cases, read)
            denominator = _selectors(item, "denominator", path, known_cases, read)
        elif combine is not None:
            for key in ("numerator", "denominator"):
                if key in item:
                    read.add(
                        f"{path}.{key}",
                        "not-allowed",
                        f"only a ratio has {key!r}; a {combine} takes 'from'",
                    )
            sources = _selectors(item, "from", path, known_cases, read)
            if combine == "count":
                when = _threshold(item, path, read)
            elif "when" in item:
                read.add(f"{path}.when", "not-allowed", f"only a count has 'when', not a {combine}")
        if len(read.problems) > before:
            continue
        assert ind_id is not None
        assert name is not None
        assert combine is not None
        out.append(
            PortfolioIndicator(
                id=ind_id,
                name=name,
                combine=combine,  # type: ignore[arg-type]
                path=path,
                unit=unit,
                description=description,
                sources=tuple(sources),
                numerator=tuple(numerator),
                denominator=tuple(denominator),
                when=when,
                per=per,  # type: ignore[arg-type]
            )
        )
    return out


def _selectors(
    item: Mapping[str, Any], key: str, path: str, known_cases: Sequence[str], read: _Reader
) -> list[Selector]:
    where = f"{path}.{key}"
    if key not in item:
        read.add(where, "missing-field", f"required field {key!r} is missing")
        return []
    entries = read.items(item, key, path)
    if entries is None:
        return []
    if not entries:
        read.add(where, "empty", f"{key!r} lists no case indicators")
    out = []
    for j, entry in enumerate(entries):
        at = f"{where}[{j}]"
        if not isinstance(entry, dict):
            read.add(
                at,
                "wrong-type",
                f"expected {{case: ..., indicator: ...}} or {{tag: ...}}, got {_kind(entry)}",
            )
            continue
        before = len(read.problems)
        read.keys(entry, at, _SELECTOR_KEYS)
        case = read.ident(entry, "case", at)
        indicator = read.ident(entry, "indicator", at)
        tag = read.text(entry, "tag", at)
        if tag is not None and ("case" in entry or "indicator" in entry):
            read.add(at, "not-allowed", "a selector has either a tag or an indicator, not both")
        elif tag is None and "tag" not in entry and "indicator" not in entry:
            read.add(
                at,
                "missing-field",
                "a selector needs 'indicator' (and optionally 'case') or 'tag'",
            )
        if case is not None and case not in known_cases:
            read.add(f"{at}.case", "unknown-reference", unknown_message("case", case, known_cases))
        if len(read.problems) == before:
            out.append(Selector(path=at, case=case, indicator=indicator, tag=tag))
    return out


def _threshold(item: Mapping[str, Any], path: str, read: _Reader) -> Threshold | None:
    where = f"{path}.when"
    if "when" not in item:
        read.add(
            where,
            "missing-field",
            f"a count needs 'when', one of: {', '.join(THRESHOLD_TESTS)}: NUMBER",
        )
        return None
    value = item["when"]
    if not isinstance(value, dict):
        read.add(where, "wrong-type", "expected a mapping such as {progress_at_least: 1.0}")
        return None
    read.keys(value, where, THRESHOLD_TESTS)
    tests = [k for k in THRESHOLD_TESTS if k in value]
    if len(tests) != 1:
        if not tests and all(k in THRESHOLD_TESTS for k in value):
            read.add(where, "empty", f"'when' needs one of: {', '.join(THRESHOLD_TESTS)}")
        elif tests:
            read.add(where, "not-allowed", f"'when' takes one test, not {len(tests)}")
        return None
    number = value[tests[0]]
    if not _is_number(number) or number in (float("inf"), float("-inf")):
        read.add(f"{where}.{tests[0]}", "wrong-type", f"expected a number, got {_kind(number)}")
        return None
    return Threshold(tests[0], number)


def portfolio_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a portfolio file.

    >>> import valuecycles as vc
    >>> schema = vc.portfolio_schema()
    >>> schema["required"]
    ['schema_version', 'name', 'cases']
    >>> schema["$defs"]["Indicator"]["properties"]["combine"]["enum"]
    ['sum', 'latest', 'ratio', 'count']
    """
    text = {"type": "string", "minLength": 1}
    selector = {
        "type": "object",
        "description": "Case indicators: {case, indicator}, {indicator} in every case, or "
        "{tag} for indicators whose extra.portfolio is the tag.",
        "properties": {
            "case": {**text, "description": "A case's id (its file's stem)."},
            "indicator": {**text, "description": "An indicator's id in the case."},
            "tag": {**text, "description": "Matches case indicators with extra.portfolio: TAG."},
        },
        "additionalProperties": False,
        "oneOf": [{"required": ["indicator"]}, {"required": ["tag"]}],
        "not": {"required": ["tag", "indicator"]},
    }
    selectors = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Selector"}}
    when = {
        "type": "object",
        "description": "A count's condition on each period's value: one test.",
        "properties": {test: {"type": "number"} for test in THRESHOLD_TESTS},
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
    }
    indicator = {
        "type": "object",
        "properties": {
            "id": {**text, "description": "The portfolio indicator's id."},
            "name": text,
            "unit": {"type": "string"},
            "description": {"type": "string"},
            "combine": {
                "enum": list(COMBINE_RULES),
                "description": "sum: of each period's values; latest: of cumulative figures; "
                "ratio: of the numerator's and the denominator's sums; count: of "
                "communities meeting 'when'.",
            },
            "from": selectors,
            "numerator": selectors,
            "denominator": selectors,
            "when": {"$ref": "#/$defs/When"},
            "per": {"enum": list(PERIOD_GRAINS)},
        },
        "required": ["id", "name", "combine"],
        "additionalProperties": False,
        "allOf": [
            {
                "if": {"properties": {"combine": {"const": "ratio"}}},
                "then": {
                    "required": ["numerator", "denominator"],
                    "not": {"anyOf": [{"required": ["from"]}, {"required": ["when"]}]},
                },
            },
            {
                "if": {"properties": {"combine": {"const": "count"}}},
                "then": {"required": ["from", "when"]},
            },
            {
                "if": {"properties": {"combine": {"enum": ["sum", "latest"]}}},
                "then": {"required": ["from"], "not": {"required": ["when"]}},
            },
        ],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:valuecycles:portfolio-file",
        "title": "A valuecycles portfolio file",
        "type": "object",
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "name": text,
            "description": {"type": "string"},
            "frameworks": {
                "type": "array",
                "items": text,
                "description": "Framework files (relative to this file) for cases on a "
                "framework that is not installed.",
            },
            "cases": {
                "type": "array",
                "minItems": 1,
                "items": text,
                "description": "Case files or globs, relative to this file; a case's id is its "
                "file's stem.",
            },
            "indicators": {"type": "array", "items": {"$ref": "#/$defs/Indicator"}},
        },
        "required": ["schema_version", "name", "cases"],
        "additionalProperties": False,
        "$defs": {"Indicator": indicator, "Selector": selector, "When": when},
    }
