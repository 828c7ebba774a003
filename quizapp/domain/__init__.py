"""Pure domain layer: articles, questions, grading and the on-disk question bank format."""
