"""Errors whose message is meant for the user (one line, Chinese, names the field or fix)."""


class UserError(Exception):
    """Bad input or configuration: shown as a one-line message, never a traceback."""


class EmbedderMismatch(UserError):
    """The knowledge base was built with another embedder than the one configured now."""


class StoreUnavailable(UserError):
    """The knowledge store cannot be used (Chroma server unreachable, read-only database)."""
