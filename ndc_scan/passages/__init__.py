"""Stages 2–3, passages: pages → ``Passage`` records (segment), and the taxonomy terms found in them (tag)."""
