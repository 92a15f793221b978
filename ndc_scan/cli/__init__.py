"""The ``ndc-scan`` command line: thin commands over the library (``main``), review commands (``review``)."""

from .main import main

__all__ = ["main"]
