"""Read models for the pages: descriptions, interconnections, search, counts, ontology docs."""
