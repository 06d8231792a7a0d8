"""pipelines.ingest.numbers.parse_number: Indonesian and English number texts (contract: monthly-report.md)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.numbers import parse_number


def indonesian(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def english(n: int) -> str:
    return f"{n:,}"


@pytest.mark.parametrize("text, expected", [
    ("1.234.567", 1234567),
    ("Rp 2.500.000", 2500000),
    ("Rp2.500.000", 2500000),
    ("rp 2.500.000", 2500000),
    ("2.500.000,50", 2500000.5),
    ("1,234,567", 1234567),
    ("1,234,567.89", 1234567.89),
    ("1.234", 1234),  # ambiguous: Indonesian thousands dot
    ("2500000.5", 2500000.5),
    ("12", 12),
    ("0", 0),
    (" 7\u00a0", 7),
    ("\u00a01.000\u00a0", 1000),
    ("Rp. 1.000,-", 1000),
    ("2,5", 2.5),
    ("-5", -5),
])
def test_parses_exact_value(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.2.3", "", "   ", "\u00a0", None, "Rp", "12abc", "1..2"])
def test_unreadable_is_none(text):
    assert parse_number(text) is None


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_whole_numbers_in_every_form(n):
    for text in (indonesian(n), english(n), "Rp " + indonesian(n), str(n)):
        assert parse_number(text) == n, text


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_two_decimal_forms_agree(whole, cents):
    expected = round(float(f"{whole}.{cents:02d}"), 2)
    id_text = f"{indonesian(whole)},{cents:02d}"
    en_text = f"{english(whole)}.{cents:02d}"
    assert round(parse_number(id_text), 2) == expected, id_text
    assert round(parse_number(en_text), 2) == expected, en_text
