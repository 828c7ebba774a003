"""Tests for quizapp.domain.text: evidence normalisation, closest passage, slugs."""

import pytest

from quizapp.domain.text import (
    closest_passage,
    contains_quote,
    normalise_quote,
    quote_span,
    slugify,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the countries\u2019 alignment", "the countries' alignment"),
        ("\u2018single\u2019 \u201adown\u201b", "'single' 'down'"),
        ("\u201cno limits\u201d", '"no limits"'),
        ("\u201elow\u201f", '"low"'),
        ("5\u2032 and 7\u2033", "5' and 7\""),
        ("Asia\u2014Russia has", "Asia-Russia has"),
        ("2009\u20132010", "2009-2010"),
        ("a\u2010b\u2011c\u2012d\u2015e", "a-b-c-d-e"),
        ("\u22125", "-5"),
        ("forty\u00a0two", "forty two"),
        ("\ufb01ne", "fine"),
        ("\uff21\uff22\uff23", "ABC"),
        ("  lots \t of\n\n space  ", "lots of space"),
        ("Case Is Kept", "Case Is Kept"),
        ("", ""),
    ],
)
def test_normalise_quote(text: str, expected: str) -> None:
    assert normalise_quote(text) == expected


SECTION = (
    "China and Russia are not formal treaty allies and are not bound to come to the "
    "other\u2019s defense. Xi and Putin said their partnership has \u201cno limits\u201d "
    "[PDF].\n\nIn Central Asia\u2014Russia has focused on security, while China has "
    "focused on trade."
)


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("are not bound to come to the other's defense", True),
        ('their partnership has "no limits"', True),
        ("In Central Asia-Russia has focused", True),
        ("In Central Asia \u2013 Russia has focused", False),
        ("defense. Xi and\n   Putin", True),
        ("  not formal treaty allies  ", True),
        ("NOT FORMAL TREATY ALLIES", False),
        ("formal military allies", False),
        ("", False),
        ("   ", False),
    ],
)
def test_contains_quote(quote: str, expected: bool) -> None:
    assert contains_quote(SECTION, quote) is expected


ECONOMY = (
    "Although trade between the countries has increased over the past two decades\u2014"
    "reaching an all-time high of $240 billion in 2023\u2014their economic relationship is "
    "lopsided. Russia depends far more on China than vice versa, which has generated "
    "concerns in Moscow. For example, while China has become Russia\u2019s number-one trade "
    "partner, Russia was only China\u2019s sixth-largest trade partner as of 2023.\n\n"
    "| Goods trade in 2022 | Share of total trade |\n"
    "| Trade with China is 26% of Russia\u2019s total trade | 26% |\n\n"
    "But China remained a key buyer\u2014imports from Russia rose 49 percent to $76.4 "
    "billion that year."
)


@pytest.mark.parametrize(
    ("quote", "expected_start"),
    [
        ("imports from Russia rose 94 percent to $76.4 billion", "But China remained"),
        ("Russia was only China's fifth-largest trade partner", "For example, while China"),
        ("an all-time high of $204 billion in 2022", "Although trade between"),
        ("Trade with China is 62% of Russia's trade", "| Trade with China is 26%"),
        ("Russia depends much more on China", "Russia depends far more"),
    ],
)
def test_closest_passage_picks_the_right_sentence(quote: str, expected_start: str) -> None:
    assert closest_passage(ECONOMY, quote).startswith(expected_start)


def test_closest_passage_keeps_original_wording_on_one_line() -> None:
    passage = closest_passage("First line.\nSecond   \u201cquoted\u201d line here.", "quoted line")
    assert passage == "Second \u201cquoted\u201d line here."


def test_closest_passage_is_cut_around_the_match() -> None:
    long_sentence = (
        " ".join(f"word{i}" for i in range(200))
        + " the needle is here "
        + " ".join(f"tail{i}" for i in range(200))
    )
    passage = closest_passage(long_sentence, "the needle is here", width=80)
    assert "the needle is here" in passage
    assert passage.startswith("...")
    assert passage.endswith("...")
    assert len(passage) <= 80 + 6


def test_closest_passage_of_empty_section() -> None:
    assert closest_passage("", "anything") == ""


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Introduction", "introduction"),
        ("Are China and Russia allies?", "are-china-and-russia-allies"),
        (
            "How do their foreign policies and interests compare?",
            "how-do-their-foreign-policies-and-interests-compare",
        ),
        (
            "What are major challenges for the relationship?",
            "what-are-major-challenges-for-the-relationship",
        ),
        ("What are their economic ties?", "what-are-their-economic-ties"),
        ("What are their military ties?", "what-are-their-military-ties"),
        (
            "China and Russia: Exploring Ties Between Two Authoritarian Powers",
            "china-and-russia-exploring-ties-between-two-authoritarian-powers",
        ),
        ("China\u2019s rise", "chinas-rise"),
        ("China's rise", "chinas-rise"),
        ("Caf\u00e9 cr\u00e8me \u2014 na\u00efve", "cafe-creme-naive"),
        ("  --U.S.-led order--  ", "u-s-led-order"),
        ("Trade in 2023: $240bn", "trade-in-2023-240bn"),
        ("\u041c\u043e\u0441\u043a\u0432\u0430 and Beijing", "and-beijing"),
        ("???", ""),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("text", "quote", "expected"),
    [
        ("He said “no limits” then.", 'said "no limits"', "said “no limits”"),
        ("A  long\n  line of text.", "long line", "long\n  line"),
        ("Trade—reaching $240 billion", "Trade-reaching", "Trade—reaching"),
        ("  leading space", "leading", "leading"),
        ("abc", "zzz", None),
        ("abc", "   ", None),
        ("China’s rise", "China's", "China’s"),
    ],
)
def test_quote_span_points_at_the_original_characters(
    text: str, quote: str, expected: str | None
) -> None:
    span = quote_span(text, quote)
    assert (text[span[0] : span[1]] if span else None) == expected
