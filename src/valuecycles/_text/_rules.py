"""The field rules: what an id, a text, a date, a period, a number may be, written once.

The models' validators, the document loader and the framework files all
call these checks.

Each check raises :class:`Invalid` with a stable code and a message. The attrs
validators turn that into a :class:`TypeError` or :class:`ValueError` when a
model is built in Python; the document loader turns it into a problem with
the path to the value.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, Final

import attrs

from valuecycles._text._limits import INT_RANGE, LIMITS, int_text, surrogates

__all__ = [
    "CACHE_LIMIT",
    "GOOD_IDS",
    "GOOD_PERIODS",
    "INT_MAX",
    "INT_MIN",
    "MAX_ID_LENGTH",
    "SCALAR_TYPES",
    "Check",
    "Invalid",
    "check_bool",
    "check_date",
    "check_date_value",
    "check_extra",
    "check_id",
    "check_int",
    "check_number",
    "check_period",
    "check_scalar",
    "check_str",
    "check_text",
    "check_value",
    "describe",
    "enum_check",
    "field_validator",
    "id_tuple",
    "is_id",
    "make_id",
    "new_id",
    "new_period",
    "non_empty_str",
    "optional",
    "optional_str",
    "parse_date",
    "str_tuple",
    "to_tuple",
]

SCALAR_TYPES: Final = (str, int, float, bool)
#: The longest id :func:`make_id` makes.
MAX_ID_LENGTH: Final = 60
_NOT_ID = re.compile(r"[\W_]+")
_PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?\Z")


class Invalid(Exception):
    """One value that breaks a rule: ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str, *, type_error: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.type_error = type_error


def describe(value: object) -> str:
    """A short, human description of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, _dt.datetime):
        return "a date and time"
    if isinstance(value, _dt.date):
        return "a date"
    return type(value).__name__


def _wrong(expected: str, value: object) -> Invalid:
    return Invalid("wrong-type", f"expected {expected}, got {describe(value)}", type_error=True)


def check_str(value: object) -> str:
    """A string that can be written as UTF-8 (a lone surrogate is ``invalid-text``).

    >>> try:
    ...     check_str("a" + chr(0xD800))
    ... except Invalid as exc:
    ...     print(exc.code)
    invalid-text
    """
    if not isinstance(value, str):
        raise _wrong("a string", value)
    if not value.isascii() and surrogates(value) is not None:
        raise Invalid(
            "invalid-text",
            "the text holds a lone surrogate (a character that cannot be written as UTF-8)",
        )
    return value


def check_text(value: object) -> str:
    """A string with something in it."""
    check_str(value)
    assert isinstance(value, str)
    if not value.strip():
        raise Invalid("empty", "must not be empty")
    return value


def check_id(value: object) -> str:
    """An id: a non-empty string without spaces at its ends or line breaks.

    An id longer than :attr:`Limits.max_id_length <valuecycles._text.Limits>`
    (1,000 characters) is ``too-long``; its message does not repeat it.

    >>> try:
    ...     check_id("x" * 5000)
    ... except Invalid as exc:
    ...     print(exc.code, exc)
    too-long an id of 5,000 characters is longer than the limit of 1,000
    """
    if type(value) is str and len(value) > LIMITS.max_id_length:
        raise Invalid(
            "too-long",
            f"an id of {len(value):,} characters is longer than the limit of "
            f"{LIMITS.max_id_length:,}",
        )
    check_text(value)
    assert isinstance(value, str)
    if value != value.strip() or "\n" in value or "\r" in value:
        raise Invalid("invalid-id", f"id {value!r} has spaces at its ends or a line break")
    return value


#: The integers every format can carry: 64 bits, signed.
INT_MIN, INT_MAX = INT_RANGE


def _check_int_range(value: int, what: str = "") -> None:
    if not INT_RANGE[0] <= value <= INT_RANGE[1]:
        raise Invalid(
            "out-of-range",
            f"{what}{int_text(value)} is too large to keep in every format "
            "(integers go from -2**63 to 2**63-1); write it as text",
        )


def check_number(value: object) -> int | float:
    """A finite int or float (not a boolean), an int within 64 bits."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong("a number", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid("not-finite", f"{value} is not a finite number")
    if isinstance(value, int):
        _check_int_range(value)
    return value


def check_value(value: object) -> int | float | str:
    """An observation's value: a finite number or a text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong("a number or a text", value)
    return check_number(value)


def parse_date(text: str) -> _dt.date:
    """A calendar date written ``YYYY-MM-DD``; :class:`ValueError` for anything else.

    Stricter than :meth:`datetime.date.fromisoformat`, which also takes
    ``20260201`` and ISO week dates such as ``2026-W05-1``.

    >>> parse_date("2026-02-01")
    datetime.date(2026, 2, 1)
    >>> parse_date("2026-W05-1")
    Traceback (most recent call last):
    ...
    ValueError: not a date (YYYY-MM-DD): '2026-W05-1'
    """
    if len(text) == 10 and text.isascii() and text[4] == text[7] == "-":
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"not a date (YYYY-MM-DD): {text!r}")


def check_date(value: object) -> _dt.date:
    """A calendar date (not a date and time)."""
    if type(value) is not _dt.date:
        raise _wrong("a date (YYYY-MM-DD)", value)
    return value


def check_period(value: object) -> str:
    """A period, ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``, given as text.

    A year written bare (``period: 2026``) is read as a number, so the
    message says how to write it.

    >>> try:
    ...     check_period(2026)
    ... except Invalid as exc:
    ...     print(exc)
    expected text such as "2026", got an integer (quote a year: "2026")
    """
    if not isinstance(value, str):
        hint = f' (quote a year: "{value}")' if type(value) is int and 0 <= value <= 9999 else ""
        message = f'expected text such as "2026", got {describe(value)}{hint}'
        raise Invalid("wrong-type", message, type_error=True)
    if not _PERIOD.match(value):
        raise Invalid(
            "invalid-period",
            f"period {value!r} is not YYYY, YYYY-Qn or YYYY-MM",
        )
    return value


def check_extra(value: object) -> dict[str, str | int | float | bool]:
    """An ``extra`` mapping: string keys, scalar values (str, int, float, bool)."""
    if not isinstance(value, dict):
        raise _wrong("a mapping", value)
    for key, item in value.items():
        if not isinstance(key, str):
            raise _wrong("string keys", key)
        check_str(key)
        if isinstance(item, str):
            check_str(item)
        if not isinstance(item, SCALAR_TYPES):
            raise Invalid(
                "wrong-type",
                f"extra {key!r}: expected a string, number or boolean, got {describe(item)}",
                type_error=True,
            )
        if isinstance(item, float) and not math.isfinite(item):
            raise Invalid("not-finite", f"extra {key!r}: {item} is not a finite number")
        if isinstance(item, int) and not isinstance(item, bool):
            _check_int_range(item, f"extra {key!r}: ")
    return value


def enum_check(name: str, allowed: tuple[str, ...]) -> Callable[[object], str]:
    """A check that a value is one of ``allowed``."""

    def check(value: object) -> str:
        check_str(value)
        if value not in allowed:
            raise Invalid(
                "invalid-value",
                f"{value!r} is not a known {name}; known: {', '.join(allowed)}",
            )
        assert isinstance(value, str)
        return value

    return check


def optional(check: Callable[[object], Any]) -> Callable[[object], Any]:
    def check_optional(value: object) -> Any:
        return None if value is None else check(value)

    return check_optional


def field_validator(check: Callable[[object], Any]) -> Callable[[Any, Any, Any], None]:
    """Turn a check into an attrs validator raising TypeError or ValueError."""

    def validate(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        try:
            check(value)
        except Invalid as exc:
            cls = TypeError if exc.type_error else ValueError
            raise cls(f"{attribute.name}: {exc.message}") from None

    return validate


def id_tuple(value: Iterable[str]) -> tuple[str, ...]:
    """Turn a list of ids into a tuple, refusing a lone string."""
    if isinstance(value, str):
        raise TypeError(f"expected a list of ids, not the string {value!r}")
    return tuple(value)


# --- remembered good values, for the fast readers ------------------------------
#
# A large case repeats the same few references (indicators, sources, cycles)
# and periods thousands of times. The readers of ``io/_fast.py`` and
# ``io/_mirror.py`` check each distinct value once and remember it here;
# ``x in GOOD_IDS or new_id(x)`` is the check. The sets are emptied when
# they grow past ``CACHE_LIMIT``, so they never hold more than that.

CACHE_LIMIT: Final = 100_000
#: Ids that passed :func:`check_id`.
GOOD_IDS: set[str] = set()
#: Periods that passed :func:`check_period`.
GOOD_PERIODS: set[str] = set()


def is_id(value: object) -> bool:
    """Whether :func:`check_id` takes ``value`` (a string, not blank, no spaces
    at its ends, no line breaks), without remembering it.

    >>> is_id("response-time"), is_id(" response-time"), is_id("a\\nb")
    (True, False, False)
    """
    return (
        type(value) is str
        and value != ""
        and len(value) <= LIMITS.max_id_length
        and value == value.strip()
        and "\n" not in value
        and "\r" not in value
    )


def new_id(value: str) -> bool:
    """Check an id not seen before and remember it if it is good."""
    if not is_id(value):
        return False
    if len(GOOD_IDS) >= CACHE_LIMIT:
        GOOD_IDS.clear()
    GOOD_IDS.add(value)
    return True


def new_period(value: str) -> bool:
    """Check a period not seen before and remember it if it is good."""
    if not _PERIOD.match(value):
        return False
    if len(GOOD_PERIODS) >= CACHE_LIMIT:
        GOOD_PERIODS.clear()
    GOOD_PERIODS.add(value)
    return True


def make_id(text: str, taken: Iterable[str] = (), *, fallback: str = "item") -> str:
    """An id made from a text: lower case, words joined by hyphens, not in ``taken``.

    Letters and digits of any script are kept (accents are dropped), every
    other run of characters becomes one hyphen, and a long text is cut at a
    hyphen. When the id is taken, ``-2``, ``-3``, ... is added.

    >>> from valuecycles._text import make_id
    >>> make_id("Questions answered within 2 days!")
    'questions-answered-within-2-days'
    >>> make_id("Réponses rapides", ["reponses-rapides"])
    'reponses-rapides-2'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    base = _NOT_ID.sub("-", plain.lower()).strip("-")
    if len(base) > MAX_ID_LENGTH:
        cut = base.rfind("-", 0, MAX_ID_LENGTH + 1)
        base = base[: cut if cut > 0 else MAX_ID_LENGTH].strip("-")
    base = base or _NOT_ID.sub("-", fallback.lower()).strip("-") or "item"
    used = set(taken)
    candidate = base
    n = 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


#: An attrs validator: a string that is not blank (:func:`check_text`).
non_empty_str: Final = field_validator(check_text)
#: An attrs validator: ``None`` or a string (:func:`check_str`).
optional_str: Final = field_validator(optional(check_str))


def str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    """Turn a list of strings into a tuple, refusing a lone string or non-strings."""
    if isinstance(value, str):
        raise TypeError(f"expected a list of strings, not the string {value!r}")
    items = tuple(value)
    for item in items:
        try:
            check_str(item)
        except Invalid as exc:
            raise TypeError(exc.message) from None
    return items


# --- the converter's rules: plain values as a document gives them ------------------


@attrs.frozen(eq=False)
class Check:
    """Metadata on an ``Annotated`` field type: the rule the document reader applies.

    ``schema`` is the same rule as JSON Schema, for ``valuecycles schema``.
    """

    check: Callable[[object], Any]
    schema: dict[str, Any]


def check_bool(value: object) -> bool:
    """``true`` or ``false``, nothing that merely reads as one."""
    if not isinstance(value, bool):
        raise _wrong("true or false", value)
    return value


def check_int(value: object) -> int:
    """An integer within 64 bits (not a boolean, not a float)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong("an integer", value)
    _check_int_range(value)
    return value


def check_scalar(value: object) -> str | int | float | bool:
    """A text, a finite number or a boolean."""
    if not isinstance(value, SCALAR_TYPES):
        raise _wrong("a string, number or boolean", value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        check_number(value)
    return value


def check_date_value(value: object) -> _dt.date:
    """A date, or text ``YYYY-MM-DD`` naming one (JSON has no dates of its own)."""
    if type(value) is _dt.date:
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            raise Invalid("invalid-date", f"{value!r} is not a valid date (YYYY-MM-DD)") from None
    raise _wrong("a date (YYYY-MM-DD)", value)


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Turn any iterable into a tuple (lists in, tuples stored)."""
    return tuple(value)
