"""Every exception valuecycles raises, under one base class, and the problems they carry.

>>> import valuecycles as vc
>>> try:
...     vc.load_framework("nosuch")
... except vc.ValuecyclesError as exc:
...     print(type(exc).__name__)
UnknownFrameworkError
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections.abc import Collection, Iterable
from typing import Any, Final, Literal

import attrs

__all__ = [
    "EventsError",
    "PluginError",
    "Problem",
    "UnknownElementError",
    "UnknownFrameworkError",
    "UnknownKeyError",
    "ValidationError",
    "ValidationReport",
    "ValuecyclesError",
    "WalkError",
    "closest",
    "join_path",
    "known_list",
    "unknown_message",
]

Severity = Literal["error", "warning"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def join_path(path: str, step: str | int) -> str:
    """Extend a JSONPath-like path by a key or an index.

    >>> from valuecycles.errors import join_path
    >>> join_path("$", "cycles")
    '$.cycles'
    >>> join_path("$.flows", 0)
    '$.flows[0]'
    >>> join_path("$.extra", "a key")
    "$.extra['a key']"
    """
    if isinstance(step, int):
        return f"{path}[{step}]"
    if _IDENT.match(step):
        return f"{path}.{step}"
    return f"{path}[{step!r}]"


_MAX_KNOWN: Final = 12
#: Did-you-mean looks at no more candidates than this, the closest in length.
_MAX_CANDIDATES: Final = 40
#: ... and never for a name longer than this (nothing is close to it).
_MAX_NAME: Final = 200


def known_list(known: Collection[str]) -> str:
    """Up to a dozen known names, sorted, for a message.

    >>> from valuecycles.errors import known_list
    >>> known_list(["b", "a"])
    'a, b'
    """
    if not known:
        return "none"
    names = sorted(known)
    shown = ", ".join(names[:_MAX_KNOWN])
    if len(names) > _MAX_KNOWN:
        shown += f", … ({len(names) - _MAX_KNOWN} more)"
    return shown


def closest(name: str, known: Collection[str]) -> str | None:
    """The known name most like ``name``, if one is close enough, else None.

    The cost is bounded whatever the input: a name over 200 characters gets
    no suggestion, and only the 40 known names nearest to it in length are
    compared (about a millisecond, however many names are known).

    >>> from valuecycles.errors import closest
    >>> closest("respnse-time", ["response-time", "adoption"])
    'response-time'
    >>> closest("zzz", ["response-time"]) is None
    True
    """
    if len(name) > _MAX_NAME or not known:
        return None
    candidates = [k for k in known if len(k) <= 2 * _MAX_NAME]
    if len(candidates) > _MAX_CANDIDATES:
        size = len(name)
        candidates = heapq.nsmallest(
            _MAX_CANDIDATES, candidates, key=lambda k: (abs(len(k) - size), k)
        )
    close = difflib.get_close_matches(name, candidates, n=1)
    return close[0] if close else None


def unknown_message(what: str, name: str, known: Collection[str]) -> str:
    """``unknown aspiration 'x' (did you mean 'y'?); known: ...``

    >>> from valuecycles.errors import unknown_message
    >>> unknown_message("cycle", "aplied", ["applied", "realized"])
    "unknown cycle 'aplied' (did you mean 'applied'?); known: applied, realized"
    """
    message = f"unknown {what} {name!r}"
    close = closest(name, known)
    if close:
        message += f" (did you mean {close!r}?)"
    return f"{message}; known: {known_list(known)}"


class ValuecyclesError(Exception):
    """The base of every exception that valuecycles raises on purpose.

    Catch it to tell the library's own refusals (a bad document, an unknown
    framework or element, an answer the walk cannot use) from a bug.

    >>> import valuecycles as vc
    >>> issubclass(vc.ValidationError, vc.ValuecyclesError)
    True
    """


@attrs.frozen
class Problem:
    """One problem: where (``path``), what (``code``, stable) and why (``message``).

    ``line`` and ``column`` are set when the problem was found in a file and
    the parser knew where (1-based).
    """

    path: str
    code: str
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The problem as in ``validate --json``: path, code, message, line and column.

        ``line`` and ``column`` are always there: null for a problem found in
        a case built in Python (``validate(case)``), which has no file.

        >>> d = Problem("$.flows[0].from", "unknown-reference", "unknown indicator 'x'").to_dict()
        >>> list(d), d["line"], d["column"]
        (['path', 'code', 'message', 'line', 'column'], None, None)
        """
        return {
            "path": self.path,
            "code": self.code,
            "message": self.message,
            "line": self.line,
            "column": self.column,
        }

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where = f"{where} (line {self.line}" + (
                f", column {self.column})" if self.column is not None else ")"
            )
        return f"{where}: {self.message} [{self.code}]"


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(problems)


@attrs.frozen
class ValidationReport:
    """What :func:`valuecycles.validate` found: ``errors`` and ``warnings``.

    A case is ``valid`` when it has no errors; warnings point at things that
    are probably mistakes but may be intended.
    """

    errors: tuple[Problem, ...] = attrs.field(default=(), converter=_sorted)
    warnings: tuple[Problem, ...] = attrs.field(default=(), converter=_sorted)

    @property
    def valid(self) -> bool:
        """True when there are no errors."""
        return not self.errors

    def __bool__(self) -> bool:
        return self.valid

    def raise_for_errors(self) -> None:
        """Raise :class:`ValidationError` if there are errors."""
        if self.errors:
            raise ValidationError(self.errors, self.warnings)

    def to_dict(self) -> dict[str, Any]:
        """The shape that ``valuecycles validate --json`` prints.

        >>> ValidationReport().to_dict()
        {'schema_version': 1, 'valid': True, 'errors': [], 'warnings': []}
        """
        return {
            "schema_version": 1,
            "valid": self.valid,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


class ValidationError(ValuecyclesError, ValueError):
    """A case or document with errors. ``errors`` holds every one of them.

    >>> import valuecycles as vc
    >>> try:
    ...     vc.loads('{"schema_version": 1, "community": {}}', "json")
    ... except vc.ValidationError as exc:
    ...     print(exc.errors[0])
    $.framework: required field 'framework' is missing [missing-field]
    """

    def __init__(
        self,
        errors: Iterable[Problem],
        warnings: Iterable[Problem] = (),
        *,
        source: str | None = None,
    ) -> None:
        self.errors: tuple[Problem, ...] = tuple(errors)
        self.warnings: tuple[Problem, ...] = tuple(warnings)
        self.source = source
        super().__init__(self._summary())

    @property
    def report(self) -> ValidationReport:
        """The errors and warnings as a :class:`ValidationReport`."""
        return ValidationReport(self.errors, self.warnings)

    def _summary(self) -> str:
        n = len(self.errors)
        head = f"{n} error{'s' if n != 1 else ''}"
        if self.source:
            head += f" in {self.source}"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.errors)


class UnknownKeyError(ValuecyclesError, KeyError):
    """A cycle or round key that the framework does not know.

    The message names the known keys. It is a :class:`KeyError`, so code that
    looks keys up in a dictionary-like way can catch it as one.
    """

    def __init__(self, what: str, key: str, known: tuple[str, ...], framework: str) -> None:
        self.what = what
        self.key = key
        self.known = known
        self.framework = framework
        super().__init__(key)

    def __str__(self) -> str:
        return (
            f"unknown {self.what} {self.key!r} in framework {self.framework!r}; "
            f"known: {', '.join(self.known)}"
        )


class UnknownElementError(ValuecyclesError, KeyError):
    """An element id (an indicator, a story) that the case does not have.

    >>> import valuecycles as vc
    >>> graph = vc.build_graph(vc.load("examples/evaluators-network.yaml"))
    >>> try:
    ...     graph.upstream("respons-time")
    ... except KeyError as exc:  # an UnknownElementError
    ...     print(type(exc).__name__, exc.key)
    UnknownElementError respons-time
    """

    def __init__(self, what: str, key: str, known: Collection[str]) -> None:
        self.what = what
        self.key = key
        self.known = tuple(sorted(known))
        super().__init__(key)

    def __str__(self) -> str:
        return unknown_message(self.what, self.key, self.known)


class UnknownFrameworkError(ValuecyclesError, LookupError):
    """A framework name (or version) that is neither registered nor provided by a plugin.

    ``known`` holds the registered names, ``plugins`` the names that installed
    plugins offer; for an unknown version of a known framework, ``version`` is
    the version asked for and ``versions`` the registered ones.
    """

    def __init__(
        self,
        name: str,
        known: tuple[str, ...],
        *,
        plugins: tuple[str, ...] = (),
        version: str | None = None,
        versions: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.known = known
        self.plugins = plugins
        self.version = version
        self.versions = versions
        super().__init__(name)

    def __str__(self) -> str:
        if self.version is not None:
            return (
                f"framework {self.name!r} has no version {self.version!r}; "
                f"registered versions: {', '.join(self.versions) or 'none'}"
            )
        message = f"unknown framework {self.name!r}"
        close = closest(self.name, [*self.known, *self.plugins])
        if close:
            message += f" (did you mean {close!r}?)"
        message += f"; registered: {', '.join(self.known) or 'none'}"
        offered = [p for p in self.plugins if p not in self.known]
        if offered:
            message += f"; offered by installed plugins: {', '.join(offered)}"
        return message


class PluginError(ValuecyclesError, RuntimeError):
    """A plugin that could not be loaded; the message names it and says why."""


class WalkError(ValuecyclesError):
    """An answer the walk cannot use, such as a number that no example has.

    :class:`~valuecycles.LineInterviewer` raises it with the line number; an
    interviewer that talks to a person shows the message and asks again
    instead.
    """


class EventsError(ValuecyclesError, ValueError):
    """An events file (an activity log) that cannot be read, or a derive that cannot run.

    The message names the file and, where known, the line or record and the
    columns that were found.

    >>> from valuecycles.errors import EventsError
    >>> raise EventsError("forum.csv: no column 'timestamp'; columns found: user, text")
    Traceback (most recent call last):
    ...
    valuecycles.errors.EventsError: forum.csv: no column 'timestamp'; columns found: user, text
    """
