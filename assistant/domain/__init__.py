"""The certification domain: grade table and scoring (pure), rubric, scope, question analysis, follow-ups."""
