"""Limits on what a document may hold, checked before the work they guard.

A real case never comes near them; a hostile or broken document always does.
Each limit that is passed is a :class:`~valuecycles.errors.Problem` with a
stable code (``too-large``, ``too-deep``, ``too-many-aliases``,
``recursive-alias``, ``too-long``, ``out-of-range``, ``invalid-text``),
never a traceback.

The limits live in one settings object, :data:`LIMITS`; :func:`raised_limits`
lifts them for a block of code (a very large case, say):

>>> from valuecycles._text import LIMITS, raised_limits
>>> with raised_limits(max_bytes=2 * LIMITS.max_bytes) as limits:
...     limits.max_bytes > 64 * 2**20
True
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any, Final

import attrs

from valuecycles.errors import Problem, join_path

__all__ = [
    "INT_RANGE",
    "LIMITS",
    "Limits",
    "check_data",
    "check_size",
    "check_yaml_values",
    "int_text",
    "line_column",
    "raised_limits",
]

#: The integers every format carries (JSON readers and TOML stop at 64 bits).
INT_RANGE: Final = (-(2**63), 2**63 - 1)


@attrs.define
class Limits:
    """The bounds on a document; change them on :data:`LIMITS` or with :func:`raised_limits`.

    - ``max_bytes``: the longest document read, in characters of text
      (64 MiB by default; the largest benchmark case is well under it).
    - ``max_depth``: how deeply mappings and lists may nest (64; a case
      needs 6).
    - ``max_alias_nodes``: how many values YAML aliases may add to a
      document by repeating what an anchor names (100,000).
    - ``max_id_length``: the longest id or reference, in characters (1,000).
    - ``max_yaml_values``: the most values a YAML document may hold, as
      counted before it is parsed: its lines, plus two for each comma or
      opening bracket (2,000,000; the largest benchmark case, 100,000
      observations, counts 890,000). The YAML reader keeps a node of about
      700 bytes for each value while it reads, so this bounds its memory
      whatever the layout: 6 MB of ``[1,1,1,...]`` is refused at once
      instead of taking a minute and 2 GB.

    >>> Limits().max_depth
    64
    """

    max_bytes: int = 64 * 2**20
    max_depth: int = 64
    max_alias_nodes: int = 100_000
    max_id_length: int = 1_000
    max_yaml_values: int = 2_000_000


#: The limits in force; every reader consults them.
LIMITS: Final = Limits()


@contextlib.contextmanager
def raised_limits(**changes: int) -> Iterator[Limits]:
    """Change some of :data:`LIMITS` for the block, then put them back.

    >>> with raised_limits(max_depth=200):
    ...     LIMITS.max_depth
    200
    >>> LIMITS.max_depth
    64
    """
    before = attrs.asdict(LIMITS)
    for name, value in changes.items():
        if name not in before:
            raise TypeError(f"unknown limit {name!r}; known: {', '.join(before)}")
        setattr(LIMITS, name, value)
    try:
        yield LIMITS
    finally:
        for name, value in before.items():
            setattr(LIMITS, name, value)


def check_yaml_values(text: str) -> Problem | None:
    """A ``too-large`` problem if YAML text may hold more values than the limit.

    >>> print(check_yaml_values("[" + "1," * 1_500_000 + "1]"))
    $: the YAML document holds about 3,000,002 values, more than the limit of 2,000,000 [too-large]
    """
    limit = LIMITS.max_yaml_values
    if len(text) < limit // 2:
        return None
    count = text.count("\n") + 2 * (text.count(",") + text.count("[") + text.count("{"))
    if count <= limit:
        return None
    return Problem(
        "$",
        "too-large",
        f"the YAML document holds about {count:,} values, more than the limit of {limit:,}",
    )


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character of ``text``.

    >>> line_column("a\\nbc", 3)
    (2, 2)
    """
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_size(size: int, what: str = "the document") -> Problem | None:
    """A ``too-large`` problem if ``size`` characters pass :attr:`Limits.max_bytes`.

    >>> print(check_size(10**9))
    $: the document has 1,000,000,000 characters, more than the limit of 67,108,864 [too-large]
    """
    limit = LIMITS.max_bytes
    if size <= limit:
        return None
    return Problem(
        "$",
        "too-large",
        f"{what} has {size:,} characters, more than the limit of {limit:,}",
    )


def int_text(value: int) -> str:
    """An integer for a message: in full when short, else by its size.

    (Python refuses to write an integer of more than 4,300 digits.)

    >>> int_text(12), int_text(10**40)
    ('12', 'an integer of 41 digits')
    """
    if -(10**30) < value < 10**30:
        return str(value)
    digits = int(abs(value).bit_length() * 0.30103) + 1
    return f"an integer of {digits} digits"


def out_of_range(path: str, value: int | str) -> Problem:
    shown = int_text(value) if isinstance(value, int) else value
    return Problem(
        path,
        "out-of-range",
        f"{shown} is too large to keep in every format "
        "(integers go from -2**63 to 2**63-1); write it as text",
    )


def too_deep(path: str, line: int | None = None, column: int | None = None) -> Problem:
    return Problem(
        path,
        "too-deep",
        f"mappings and lists nest more than {LIMITS.max_depth} levels deep here",
        line=line,
        column=column,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a lone surrogate is read as, so that the rest can be parsed and placed.
REPLACEMENT: Final = "\ufffd"


def surrogates(text: str) -> tuple[str, int] | None:
    """``text`` with each lone surrogate replaced, and where the first was; None if none.

    >>> surrogates("ok"), surrogates("a" + chr(0xD800))
    (None, ('a�', 1))
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return _SURROGATE.sub(REPLACEMENT, text), exc.start
    return None


def invalid_text(path: str, line: int | None = None, column: int | None = None) -> Problem:
    return Problem(
        path,
        "invalid-text",
        "the text holds a lone surrogate (a character that cannot be written as UTF-8)",
        line=line,
        column=column,
    )


def check_data(data: Any, *, marked: bool = False) -> list[Problem]:
    """Problems in plain parsed data: nesting past the limit, out-of-range integers.

    With ``marked``, a text holding :data:`REPLACEMENT` (where a lone
    surrogate was) is an ``invalid-text`` problem. The walk is iterative
    and stops descending at the depth limit, so it is linear in the data.

    >>> [p.code for p in check_data({"a": [2**64, 1]})]
    ['out-of-range']
    """
    problems: list[Problem] = []
    low, high = INT_RANGE
    limit = LIMITS.max_depth
    stack: list[tuple[Any, str, int]] = [(data, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        kind = type(value)
        if kind is dict:
            pairs: Any = value.items()
        elif kind is list:
            pairs = enumerate(value)
        elif kind is int:
            if not low <= value <= high:
                problems.append(out_of_range(path, value))
            continue
        elif marked and kind is str and REPLACEMENT in value:
            problems.append(invalid_text(path))
            continue
        else:
            continue
        if depth >= limit:
            problems.append(too_deep(path))
            continue
        children = []
        for key, item in pairs:
            if marked and type(key) is str and REPLACEMENT in key:
                problems.append(invalid_text(join_path(path, key)))
            t = type(item)
            if t is dict or t is list or t is int or (marked and t is str):
                children.append((item, join_path(path, key), depth + 1))
        stack.extend(reversed(children))
    return problems
