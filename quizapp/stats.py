"""Public item analysis of quiz attempts; the pure implementation is quizapp.domain.stats."""

from quizapp.domain.stats import ItemAnalysis, QuestionStats, TestStats, item_analysis

__all__ = ["ItemAnalysis", "QuestionStats", "TestStats", "item_analysis"]
