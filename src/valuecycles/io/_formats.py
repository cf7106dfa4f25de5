"""Case documents in JSON, YAML and TOML: parse, load, dump, with safe writes."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Literal

import orjson
import tomlkit

from valuecycles.errors import Problem, ValidationError
from valuecycles.io._yaml import YamlProblem, dump_yaml, parse_yaml

__all__ = [
    "FORMATS",
    "Format",
    "atomic_write",
    "format_for",
    "parse_text",
    "read_text",
    "serialize",
]

Format = Literal["json", "yaml", "toml"]
#: The document formats, and the file suffixes that select them.
FORMATS: Final[dict[str, Format]] = {
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}
_TOML_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def format_for(path: str | os.PathLike[str], fmt: str | None = None) -> Format:
    """The format named, or the one the file's suffix selects."""
    if fmt is not None:
        return _check_format(fmt)
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise ValidationError(
            [
                Problem(
                    "$",
                    "unsupported-format",
                    f"cannot tell the format of {os.fspath(path)!r} from its suffix "
                    f"{suffix or '(none)'!r}; use one of: {', '.join(FORMATS)}",
                )
            ],
            source=os.fspath(path),
        ) from None


def _check_format(fmt: str) -> Format:
    lowered = fmt.lower().lstrip(".")
    if lowered == "yml":
        lowered = "yaml"
    if lowered not in ("json", "yaml", "toml"):
        raise ValidationError(
            [
                Problem(
                    "$",
                    "unsupported-format",
                    f"unknown format {fmt!r}; use one of: json, yaml, toml",
                )
            ]
        )
    return lowered  # type: ignore[return-value]


def parse_text(text: str, fmt: str) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Parse document text; return the data and, for YAML, where each path is.

    Syntax errors raise :class:`ValidationError` with code ``syntax`` and the
    line and column where the parser gives them.
    """
    kind = _check_format(fmt)
    if kind == "yaml":
        try:
            return parse_yaml(text)
        except YamlProblem as exc:
            raise ValidationError([exc.problem]) from None
    if kind == "json":
        try:
            return orjson.loads(text), {}
        except orjson.JSONDecodeError as exc:
            raise ValidationError(
                [
                    Problem(
                        "$",
                        "syntax",
                        f"not valid JSON: {exc.msg}",
                        line=exc.lineno,
                        column=exc.colno,
                    )
                ]
            ) from None
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


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a document as UTF-8 (a byte-order mark is dropped), with clear errors."""
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise ValidationError(
            [Problem("$", "file-not-found", f"no such file: {name}")], source=name
        ) from None
    except IsADirectoryError:
        raise ValidationError(
            [Problem("$", "file-not-found", f"{name} is a folder, not a file")], source=name
        ) from None
    except OSError as exc:
        raise ValidationError(
            [Problem("$", "unreadable", f"cannot read {name}: {exc.strerror}")], source=name
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            [
                Problem(
                    "$",
                    "syntax",
                    f"{name} is not UTF-8 text (byte {exc.start} cannot be read)",
                )
            ],
            source=name,
        ) from None


def _toml_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _toml_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_ready(v) for v in value]
    return value


def serialize(data: Any, fmt: str) -> str:
    """Text for plain data in a format: clean to read and to diff."""
    kind = _check_format(fmt)
    if kind == "json":
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    if kind == "yaml":
        return dump_yaml(data)
    return tomlkit.dumps(_toml_ready(data))


def atomic_write(
    path: str | os.PathLike[str],
    write: str | bytes | Callable[[Any], None],
) -> None:
    """Write a file so that a crash leaves the old file or the new one, never half.

    The content goes to a temporary file in the same folder, is flushed to
    disk, and the temporary file is renamed over the target. An existing
    file's permissions are kept.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
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
