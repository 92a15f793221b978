"""Stage 1, read: input files → ``Document`` and ``Page`` records (text layer or OCR), in a child process of the worker (``reader``)."""
