"""Case documents: read, write, tables for spreadsheets, schema and write-back.

Most of it is also reachable from :mod:`valuecycles`; this module is the home
of the document layer, for code that wants only it. Every way in ends in the
same read path: msgspec for what is plainly right, the strict converter (and
salvage, for the whole-case checks) for the rest.

>>> from valuecycles import io
>>> case = io.load("examples/evaluators-network.yaml")
>>> io.loads(io.dumps(case, "json"), "json") == case
True
"""

from valuecycles.io._convert import to_data
from valuecycles.io._document import ReadResult, dump, dumps, load, loads, read, reads
from valuecycles.io._observations import ImportReport, add_observations, import_observations
from valuecycles.io._roundtrip import Addition, add_to_document
from valuecycles.io._schema import case_schema, framework_schema
from valuecycles.io._tables import export_tables
from valuecycles.io._workbook import export_workbook

__all__ = [
    "Addition",
    "ImportReport",
    "ReadResult",
    "add_observations",
    "add_to_document",
    "case_schema",
    "dump",
    "dumps",
    "export_tables",
    "export_workbook",
    "framework_schema",
    "import_observations",
    "load",
    "loads",
    "read",
    "reads",
    "to_data",
]
