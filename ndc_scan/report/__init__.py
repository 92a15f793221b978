"""Stage 6, report: ``Tables`` → CSV, Excel, HTML report, gap report and country briefs (renderers only format)."""
