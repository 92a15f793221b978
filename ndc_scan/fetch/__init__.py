"""Fetch: registry catalogs → the NDC files on disk, with ``fetched.csv`` (``ndc-scan fetch``)."""
