"""Problems found in a case or a document, and the exception that carries them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

import attrs

__all__ = ["Problem", "ValidationError", "ValidationReport", "join_path"]

Severity = Literal["error", "warning"]
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def join_path(path: str, step: str | int) -> str:
    """Extend a JSONPath-like path by a key or an index.

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
        """The problem as in ``validate --json``: path, code and message (and line)."""
        out: dict[str, Any] = {"path": self.path, "code": self.code, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        return out

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
        """The shape that ``valuecycles validate --json`` prints."""
        return {
            "valid": self.valid,
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }


class ValidationError(ValueError):
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
