"""Fixtures of the service tests: an article and its author, a class to report on."""

from __future__ import annotations

import pytest
from flask import Flask

from quizapp.models import Article
from quizapp.services.articles import create_article
from tests.factories import (
    ECONOMY,
    MILITARY,
    NOW,
    create_class,
    create_student,
    create_teacher,
    enrol,
    load_article,
)
from tests.integration.authoring_support import ARTICLE_MD
from tests.integration.report_support import School


@pytest.fixture
def article() -> Article:
    return create_article(ARTICLE_MD, NOW)


@pytest.fixture
def teacher_id() -> int:
    return create_teacher().id


@pytest.fixture
def school(app_context: Flask) -> School:
    article = load_article((ECONOMY, MILITARY))
    teacher = create_teacher()
    school_class = create_class(teacher)
    ada = create_student("ada@example.com", "Ada Lovelace")
    bob = create_student("bob@example.com", "Bob Student")
    cy = create_student("cy@example.com", "Cy Student")
    for student in (ada, bob, cy):
        enrol(student, school_class)
    return School(article, teacher, school_class, ada, bob, cy)
