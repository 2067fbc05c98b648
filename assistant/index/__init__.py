"""Where the chunks live and how they are found: embedders, the Chroma store, the BM25 index."""
