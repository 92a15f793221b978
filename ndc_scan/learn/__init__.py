"""Learn: hand labels → the trained passage classifier and its card; evaluation of rules, model and both."""
