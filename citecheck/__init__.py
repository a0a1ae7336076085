"""citecheck: check that what a document cites still exists and still says what it claims."""

__version__ = "0.1.0"
