"""Use cases: map rows to domain objects and back, and own the transaction."""
