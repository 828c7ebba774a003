"""Reading pages, open to everyone: the list of articles and each article's sections."""
