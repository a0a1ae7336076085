"""citecheck: check that what a document cites still exists and still says what it claims."""

__version__ = "0.1.0"

# The JSON reports' schema id (their shape: citecheck.schema), kept here so that a
# writer needing only the id does not define the shape's TypedDicts at start-up.
SCHEMA = "citecheck/1"
