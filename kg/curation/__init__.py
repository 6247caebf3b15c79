"""Tools for curators: what the corpus still lacks."""
