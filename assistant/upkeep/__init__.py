"""The maintainer's loop: curated answers, vocabulary, unanswered questions, sheets, sidecar collections."""
