"""Chinese text: search normalisation (NFKC, traditional -> simplified), tokens, synonyms, numbers."""
