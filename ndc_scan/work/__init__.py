"""Where a scan's work runs: each file's read + label work in worker processes (local or a Dask cluster)."""
