"""Stage 4, classify: matches → ``Prediction`` per passage and concept (rules, learned model, both), and targets."""
