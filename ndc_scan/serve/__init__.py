"""The analyst's workbench (``ndc-scan serve``): a local web app over a store to explore, check evidence on the
PDF page and review: ``workbench`` (the store and its tables), ``overview``, ``country``, ``evidence`` (pages
rendered, word boxes highlighted), ``review`` (the terminal session's queue and decisions in the browser),
``security`` (token, host check, headers, CSRF), ``app`` (routes and templates), ``server`` (uvicorn)."""
