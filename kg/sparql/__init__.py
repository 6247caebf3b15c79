"""SPARQL safety and named queries: the guard, the query workers, the service description."""
