"""What each item-analysis figure means, in words a teacher can act on (the page and the
downloads say the same)."""

FIGURE_MEANINGS = {
    "facility": "How easy the question was: the average mark as a share of the maximum.",
    "sd": "How much marks on this question varied between students.",
    "discrimination_index": (
        "Whether students who did well on the rest of the quiz also did well here "
        "(correlation). Above 30% is good; below 20% is weak; negative suggests a wrong key."
    ),
    "discriminative_efficiency": (
        "The discrimination achieved as a share of the most this question could achieve "
        "given how hard it is."
    ),
    "intended_weight": "The question's share of the quiz's total marks.",
    "effective_weight": (
        "How much the question actually contributed to the spread of total scores."
    ),
    "mean": "The average total score.",
    "median": "The middle total score.",
    "test_sd": "How spread out the total scores were.",
    "skewness": (
        "Negative: most students scored high with a tail of low scores; positive: the reverse."
    ),
    "kurtosis": "Positive: scores bunch in the middle with long tails; negative: flatter.",
    "alpha": (
        "Cronbach's alpha: how consistently the questions measure the same thing. "
        "Above 70% is usual for a class test."
    ),
    "error_ratio": "The share of the spread of scores that is measurement noise.",
    "sem": "Standard error of measurement: how far a score may be from the student's true score.",
}
