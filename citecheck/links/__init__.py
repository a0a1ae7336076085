"""`citecheck links`: collect, filter, check and report the links of documents."""
