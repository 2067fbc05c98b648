"""Knowledge-base assistant for after-sales service certification (GB/T 27922-2011).

Light on import: heavy libraries load only where they are used.
"""

__version__ = "0.1.0"

import os as _os

# The vectors we multiply are small (a query against a few thousand phrasings): a multi-threaded
# BLAS only adds hand-offs between threads, which on a busy machine cost far more than the
# product (warm p95 of an answer about halves with one thread). Set before numpy loads; a
# deployment that wants more threads sets the variable itself.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
