"""The framework: cycles, rounds and the guide's questions and examples."""

from valuecycles.errors import PluginError, UnknownFrameworkError, UnknownKeyError
from valuecycles.framework._file import CYCLE_FILE_KEYS
from valuecycles.framework._model import ROLES, Cycle, Framework, Guidance, Round
from valuecycles.framework._plugins import ENTRY_POINT_GROUP, plugin_names
from valuecycles.framework._registry import (
    BUILTIN,
    FRAMEWORK_SUFFIXES,
    case_framework,
    get_framework,
    load_framework,
    register_framework,
    registered_frameworks,
)

__all__ = [
    "BUILTIN",
    "CYCLE_FILE_KEYS",
    "ENTRY_POINT_GROUP",
    "FRAMEWORK_SUFFIXES",
    "ROLES",
    "Cycle",
    "Framework",
    "Guidance",
    "PluginError",
    "Round",
    "UnknownFrameworkError",
    "UnknownKeyError",
    "case_framework",
    "get_framework",
    "load_framework",
    "plugin_names",
    "register_framework",
    "registered_frameworks",
]
