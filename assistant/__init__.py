"""Knowledge-base assistant for after-sales service certification (GB/T 27922-2011).

Light on import: heavy libraries load only where they are used.
"""

__version__ = "0.1.0"
