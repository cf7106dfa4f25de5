"""The document formats for ``valuecycles export``: json, yaml, toml, csv."""

from __future__ import annotations

from valuecycles.cli._exporters import Exporter

DOCUMENT_EXPORTS: dict[str, Exporter] = {}
