"""The base layer: document formats, YAML with positions, atomic writes.

Every other layer may use these; they know nothing of cases, graphs or
reports. The names here are the layer's interface: other packages import
them from ``valuecycles._text`` and never from its private modules.
"""

from valuecycles._text._formats import (
    FORMATS,
    Format,
    atomic_write,
    decode_text,
    format_for,
    parse_text,
    read_bytes,
    read_text,
    serialize,
)
from valuecycles._text._yaml import YamlProblem, dump_yaml, needs_quotes, parse_yaml

__all__ = [
    "FORMATS",
    "Format",
    "YamlProblem",
    "atomic_write",
    "decode_text",
    "dump_yaml",
    "format_for",
    "needs_quotes",
    "parse_text",
    "parse_yaml",
    "read_bytes",
    "read_text",
    "serialize",
]
