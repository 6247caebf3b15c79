"""Authoring: reading the curated files (YAML-LD, Turtle) and the ontology."""
