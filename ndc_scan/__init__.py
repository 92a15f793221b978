"""ndc_scan: find soil carbon and land management commitments in NDC PDFs.

Pipeline: read → passages → classify → aggregate → report, with every stage's output
kept in an SQLite store (``store``); ``review`` and ``learn`` sit beside it. The main
entry point::

    from ndc_scan import scan
    result = scan(["corpora/sample"], out="reports")
    result.tables["coverage"]          # pandas DataFrame, one row per document × concept
"""

__version__ = "0.1.0"

from .pipeline import ScanOptions, ScanResult, scan
from .taxonomy import load_taxonomy

__all__ = ["ScanOptions", "ScanResult", "__version__", "load_taxonomy", "scan"]
