"""The version of valuecycles, kept in one place for packaging and ``--version``."""

__version__ = "0.1.0.dev0"
