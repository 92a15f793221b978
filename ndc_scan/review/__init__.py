"""Review: people accept, reject or correct flagged labels (terminal, spreadsheet, backup); their decisions win."""
