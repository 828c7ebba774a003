"""Student pages: dashboard, classes, practice, attempts, results, progress."""
