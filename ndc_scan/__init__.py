"""ndc_scan: find soil carbon and land management commitments in NDC PDFs.

Pipeline: extract → segment → tag → classify → aggregate → report, with every
stage's output kept in an SQLite store. The main entry point::

    from ndc_scan import scan
    result = scan(["corpora/sample"], out="reports")
    result.tables["coverage"]          # pandas DataFrame, one row per document × concept
"""

__version__ = "0.1.0"


def scan(*args, **kwargs):
    """Scan files, folders or globs and write the reports; see :func:`ndc_scan.pipeline.scan`."""
    from .pipeline import scan as _scan

    return _scan(*args, **kwargs)


def load_taxonomy(*args, **kwargs):
    """Load and validate a taxonomy CSV; see :func:`ndc_scan.taxonomy.load_taxonomy`."""
    from .taxonomy import load_taxonomy as _load

    return _load(*args, **kwargs)


__all__ = ["scan", "load_taxonomy", "__version__"]
