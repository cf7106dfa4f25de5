"""Case documents in JSON, YAML and TOML: parse, load, dump, with safe writes."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import orjson
import tomlkit
from tomlkit.items import AoT, Table

from valuecycles._text._limits import (
    check_data,
    check_size,
    check_yaml_values,
    invalid_text,
    line_column,
    surrogates,
    too_deep,
)
from valuecycles._text._yaml import YamlProblem, dump_yaml, parse_yaml
from valuecycles.errors import Problem, ValidationError

__all__ = [
    "FORMATS",
    "Format",
    "atomic_write",
    "check_json_bytes",
    "decode_text",
    "format_for",
    "format_from_suffix",
    "parse_text",
    "read_bytes",
    "read_text",
    "serialize",
]

T = TypeVar("T")
Format = Literal["json", "yaml", "toml"]
#: The document formats, and the file suffixes that select them.
FORMATS: Final[dict[str, Format]] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}
_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def format_from_suffix(
    path: str | os.PathLike[str],
    fmt: str | None,
    formats: Mapping[str, T],
    what: str = "",
) -> T:
    """The format ``fmt`` names, or the one the file's suffix selects in ``formats``.

    ``formats`` maps suffixes (``.yml``) to formats (``yaml``); a format is
    named by itself or by any of its suffixes without the dot. Anything else
    is an ``unsupported-format`` problem naming the known ones. The case
    documents and the reports both choose their format here.

    >>> format_from_suffix("notes/case.YML", None, FORMATS)
    'yaml'
    >>> format_from_suffix("x", "yml", FORMATS)
    'yaml'
    """
    kind = f"{what} format" if what else "format"
    if fmt is not None:
        key = fmt.lower()
        found = formats.get(key if key.startswith(".") else f".{key}")
        if found is None:
            found = next((v for v in formats.values() if v == key), None)
        if found is None:
            known = ", ".join(dict.fromkeys(str(v) for v in formats.values()))
            message = f"unknown {kind} {fmt!r}; use one of: {known}"
            raise ValidationError([Problem("$", "unsupported-format", message)])
        return found
    suffix = Path(path).suffix.lower()
    try:
        return formats[suffix]
    except KeyError:
        message = (
            f"cannot tell the {kind} of {os.fspath(path)!r} from its suffix "
            f"{suffix or '(none)'!r}; use one of: {', '.join(formats)}"
        )
        raise ValidationError(
            [Problem("$", "unsupported-format", message)], source=os.fspath(path)
        ) from None


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> Format:
    """The document format named, or the one the file's suffix selects."""
    return format_from_suffix(path, fmt, FORMATS)


def parse_text(text: str, fmt: str) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Parse document text; return the data and, for YAML, where each path is.

    Syntax errors raise :class:`ValidationError` with code ``syntax`` and the
    line and column where the parser gives them. The limits of
    :data:`~valuecycles._text.LIMITS` are checked before the work they
    guard: the size first, then nesting, YAML aliases and integers past 64
    bits (``too-large``, ``too-deep``, ``too-many-aliases``, ``out-of-range``),
    in every format alike; a lone surrogate is ``invalid-text``.

    >>> parse_text('{"a": [1, 2]}', "json")
    ({'a': [1, 2]}, {})
    >>> try:
    ...     parse_text('{"a": 18446744073709551616}', "json")
    ... except ValidationError as exc:
    ...     print(exc.errors[0].path, exc.errors[0].code)
    $.a out-of-range
    """
    kind = format_for("", fmt)
    big = check_size(len(text))
    if big is None and kind == "yaml":
        big = check_yaml_values(text)
    if big is not None:
        raise ValidationError([big])
    bad = surrogates(text)
    if bad is not None:
        text = bad[0]
    data, where = _parse(text, kind)
    problems = [] if kind == "yaml" and bad is None else check_data(data, marked=bad is not None)
    if bad is not None and not problems:
        line, column = line_column(text, bad[1])
        problems = [invalid_text("$", line, column)]
    if problems:
        raise ValidationError([_placed(p, where) for p in problems])
    return data, where


def _placed(problem: Problem, where: dict[str, tuple[int, int]]) -> Problem:
    if problem.line is not None or problem.path not in where:
        return problem
    line, column = where[problem.path]
    return Problem(problem.path, problem.code, problem.message, line=line, column=column)


#: A run of digits long enough to be an integer past 64 bits.
_LONG_DIGITS = re.compile(r"\d{19}")
#: Every digit to "0", every other byte to a space: a fast search for long runs.
_DIGITS_ONLY = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))


def check_json_bytes(raw: bytes, name: str | None = None) -> None:
    """Refuse JSON bytes past a limit: the size, or an integer past 64 bits.

    For a reader that parses JSON bytes itself (orjson and msgspec read an
    integer of 2**64 or more as a float, and up to 2**64-1 as an integer):
    when a run of 19 digits or more is found, the text is read exactly and
    every out-of-range integer is reported with its path. A plain case
    costs one fast pass over the bytes.

    >>> check_json_bytes(b'{"value": 52}')
    >>> try:
    ...     check_json_bytes(b'{"value": 9223372036854775808}')
    ... except ValidationError as exc:
    ...     print(exc.errors[0].path, exc.errors[0].code)
    $.value out-of-range
    """
    big = check_size(len(raw), name or "the document")
    if big is not None:
        raise ValidationError([big], source=name)
    if b"0000000000000000000" not in raw.translate(_DIGITS_ONLY):
        return
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return  # not JSON (or too deep): the reader says so in its own words
    problems = check_data(data)
    if problems:
        raise ValidationError(problems, source=name)


def _parse(text: str, kind: Format) -> tuple[Any, dict[str, tuple[int, int]]]:
    if kind == "yaml":
        try:
            return parse_yaml(text)
        except YamlProblem as exc:
            raise ValidationError([exc.problem]) from None
    if kind == "json":
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            code = "too-deep" if "depth limit" in exc.msg else "syntax"
            raise ValidationError(
                [
                    Problem(
                        "$",
                        code,
                        f"not valid JSON: {exc.msg}",
                        line=exc.lineno,
                        column=exc.colno,
                    )
                ]
            ) from None
        if _LONG_DIGITS.search(text):
            # orjson reads integers past 64 bits as floats: read them exactly.
            try:
                data = json.loads(text)
            except RecursionError:
                raise ValidationError([too_deep("$")]) from None
        return data, {}
    try:
        return tomllib.loads(text), {}
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_WHERE.search(str(exc))
        message = _TOML_WHERE.sub("", str(exc)).strip()
        raise ValidationError(
            [
                Problem(
                    "$",
                    "syntax",
                    f"not valid TOML: {message}",
                    line=int(match.group(1)) if match else None,
                    column=int(match.group(2)) if match else None,
                )
            ]
        ) from None
    except RecursionError:
        raise ValidationError([too_deep("$")]) from None
    except ValueError:  # an integer of more than 4,300 digits
        found = _HUGE_INT.search(text)
        line, column = line_column(text, found.start()) if found else (None, None)
        raise ValidationError(
            [
                Problem(
                    "$",
                    "out-of-range",
                    "an integer of thousands of digits is too large to keep in every "
                    "format (integers go from -2**63 to 2**63-1); write it as text",
                    line=line,
                    column=column,
                )
            ]
        ) from None


_HUGE_INT = re.compile(r"[0-9_]{4000,}")


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a document as UTF-8 (a byte-order mark is dropped), with clear errors."""
    return decode_text(read_bytes(path), os.fspath(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A file's bytes; a missing file, a folder or an unreadable one is a clear error."""
    name = os.fspath(path)
    try:
        with open(path, "rb") as handle:
            big = check_size(os.fstat(handle.fileno()).st_size, name)
            if big is not None:
                raise ValidationError([big], source=name)
            return handle.read()
    except FileNotFoundError:
        raise ValidationError(
            [Problem("$", "file-not-found", f"no such file: {name}")], source=name
        ) from None
    except IsADirectoryError:
        raise ValidationError(
            [Problem("$", "unreadable", f"{name} is a folder, not a file")], source=name
        ) from None
    except OSError as exc:
        raise ValidationError(
            [Problem("$", "unreadable", f"cannot read {name}: {exc.strerror}")], source=name
        ) from None


def decode_text(data: bytes, name: str, *, keep_bom: bool = False, hint: str = "") -> str:
    """Bytes as UTF-8 text; text that is not UTF-8 is a ``syntax`` problem naming the byte.

    A byte-order mark is dropped unless ``keep_bom``; ``hint`` is added to
    the message, after a semicolon.

    >>> decode_text(b"\\xef\\xbb\\xbfa: 1", "case.yaml")
    'a: 1'
    >>> decode_text(b"a: \\xff", "case.yaml")
    Traceback (most recent call last):
    ...
    valuecycles.errors.ValidationError: 1 error in case.yaml:
      $: case.yaml is not UTF-8 text (byte 3 cannot be read) [syntax]
    """
    try:
        return data.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"{name} is not UTF-8 text (byte {exc.start} cannot be read)"
        raise ValidationError(
            [Problem("$", "syntax", message + (f"; {hint}" if hint else ""))], source=name
        ) from None


#: Lists of mappings below the top level that stay arrays of tables in TOML.
_TOML_TABLE_LISTS: Final = frozenset({"steps"})


def _flat(value: Any) -> bool:
    """A mapping of scalars and lists of scalars: one line in TOML."""
    return isinstance(value, dict) and all(
        not isinstance(v, dict | list) or (isinstance(v, list) and not _has_mapping(v))
        for v in value.values()
    )


def _has_mapping(items: list[Any]) -> bool:
    return any(isinstance(v, dict | list) for v in items)


def _toml_item(value: Any, key: str, depth: int, *, in_list: bool = False) -> Any:
    """A value for tomlkit: nested small mappings inline, element lists as tables.

    Top-level mappings are tables (``[community]``) and lists of mappings
    arrays of tables (``[[observations]]``); inside an element, a mapping of
    scalars (a baseline, ``extra``) is an inline table and a list of them
    (milestones) an inline array, so a reader sees each element whole.
    Keys that open tables come after the plain ones, as TOML needs.
    """
    if isinstance(value, dict):
        if depth >= 2 and not in_list and _flat(value):
            return _inline(value)
        items = [(k, _toml_item(v, k, depth + 1)) for k, v in value.items() if v is not None]
        table = tomlkit.document() if depth == 0 else tomlkit.table()
        with _appending(table):
            for k, v in items:
                if not _opens_table(v):
                    table.add(k, v)
        for k, v in items:
            if _opens_table(v):
                table.add(k, v)
        return table
    if isinstance(value, list):
        mappings = [v for v in value if isinstance(v, dict)]
        if not mappings:
            return value
        if depth >= 4 and key not in _TOML_TABLE_LISTS and all(_flat(v) for v in mappings):
            array = tomlkit.array()
            for item in value:
                array.append(_inline(item) if isinstance(item, dict) else item)
            return array
        if len(mappings) == len(value):
            aot = tomlkit.aot()
            for item in value:
                aot.append(_toml_item(item, key, depth + 1, in_list=True))
            return aot
        return [_toml_item(v, key, depth + 1, in_list=True) for v in value]
    return value


def _inline(value: dict[str, Any]) -> Any:
    table = tomlkit.inline_table()
    with _appending(table):
        for k, v in value.items():
            if v is not None:
                table.add(k, v)
    return table


@contextlib.contextmanager
def _appending(table: Any) -> Iterator[None]:
    """Add plain keys to a new tomlkit table in linear time.

    Before each plain key, tomlkit looks through every key already there for
    the last one before a table, which makes a table of n keys cost n**2
    (an ``extra`` of 8,000 keys: 15 s). While only plain keys are added, in
    order, to a table that has no tables yet, that place is always the end,
    which is where a parsing container appends without looking.
    """
    container = table if isinstance(table, tomlkit.TOMLDocument) else table.value
    container.parsing(True)
    try:
        yield
    finally:
        container.parsing(False)


def _opens_table(value: Any) -> bool:
    return isinstance(value, Table | AoT)


def _toml_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return _toml_item(value, "", 0)
    return value


def serialize(data: Any, fmt: str) -> str:
    """Text for plain data in a format: clean to read and to diff."""
    kind = format_for("", fmt)
    if kind == "json":
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    if kind == "yaml":
        return dump_yaml(data)
    return tomlkit.dumps(_toml_ready(data))


#: A leftover temporary file without a process id is removed after this many seconds.
_LEFTOVER_AGE: Final = 60.0


def _writer_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process's own writes end before it writes again
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's process: alive
        return False
    return False


def _remove_leftovers(folder: Path, name: str) -> None:
    """Remove ``.NAME.*.tmp`` files that a killed writer left behind."""
    prefix = f".{name}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        leftover = entry.name
        if not (leftover.startswith(prefix) and leftover.endswith(".tmp")):
            continue
        middle = leftover[len(prefix) : -len(".tmp")]
        pid_text = middle.split(".", 1)[0]
        try:
            if pid_text.isdigit() and "." in middle:
                stale = _writer_gone(int(pid_text))
            else:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > _LEFTOVER_AGE
            if stale and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        except OSError:
            continue


def atomic_write(
    path: str | os.PathLike[str],
    write: str | bytes | Callable[[Any], None],
) -> None:
    """Write a file so that a crash leaves the old file or the new one, never half.

    The content goes to a temporary file in the same folder
    (``.NAME.PID.RANDOM.tmp``), is flushed to disk, and the temporary file is
    renamed over the target. An existing file's permissions are kept. The
    temporary files a killed writer left beside the same target are removed
    first: those whose writer's process is gone, and those without a
    process id older than a minute; a live writer's file is never touched.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    _remove_leftovers(folder, target.name)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(write, str):
                handle.write(write.encode("utf-8"))
            elif isinstance(write, bytes):
                handle.write(write)
            else:
                write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if hasattr(os, "O_DIRECTORY"):
        try:
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # pragma: no cover - some file systems refuse it
            return
        try:
            os.fsync(dir_fd)
        except OSError:  # pragma: no cover
            pass
        finally:
            os.close(dir_fd)
