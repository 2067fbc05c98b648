"""Errors whose message is meant for the user (one line, Chinese, names the field or fix)."""


class UserError(Exception):
    """Bad input or configuration: shown as a one-line message, never a traceback."""


class EmbedderMismatch(UserError):
    """The knowledge base was built with another embedder than the one configured now."""


class StoreUnavailable(UserError):
    """The knowledge store cannot be used (Chroma server unreachable, read-only database)."""


class IngestError(UserError):
    """A document could not be ingested; the message is one line that names the file."""


class ScoringError(UserError):
    """Bad scoring input; the message is one Chinese line that names the field."""


class QAError(UserError, ValueError):
    """The QA file is unreadable or a line is malformed (message names the line)."""
