"""What each item-analysis figure means: the page's texts, which the downloads share."""

from quizapp.domain.statistics_text import FIGURE_MEANINGS

__all__ = ["FIGURE_MEANINGS"]
