"""Stage 5, aggregate: stored labels and reviewers' decisions → the tidy tables every report renders (``Tables``)."""
