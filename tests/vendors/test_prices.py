"""Prices typed the way people write them here."""

import pytest

from vendors.products.prices import PriceError, format_lempiras, parse_lempiras


@pytest.mark.parametrize(
    ("text", "centavos"),
    [
        ("250", 25000),
        ("250.50", 25050),
        ("250.5", 25050),
        ("1,250.50", 125050),
        ("L 1,250.50", 125050),
        ("L. 80", 8000),
        ("Lps 99.99", 9999),
        (" 12 ", 1200),
        ("0.01", 1),
        ("1,000,000", 100_000_000),
    ],
)
def test_prices_people_type_are_read_as_centavos(text, centavos):
    assert parse_lempiras(text) == centavos


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "The price cannot be negative."),
        ("0", "The price must be more than zero."),
        ("0.00", "The price must be more than zero."),
        ("abc", "Please write the price with numbers only, for example 250 or 1,250.50."),
        ("12,50", "Please write the price with numbers only, for example 250 or 1,250.50."),
        ("1.2.3", "Please write the price with numbers only, for example 250 or 1,250.50."),
        ("2.505", "A price can have at most two decimals (centavos)."),
        ("1,000,000.01", "That price looks too high. The most we accept is L 1,000,000.00."),
        (
            "99999999999999999999",
            "That price looks too high. The most we accept is L 1,000,000.00.",
        ),
        ("", "Please enter a price."),
    ],
)
def test_prices_that_make_no_sense_are_refused_with_a_reason(app, text, message):
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(PriceError) as caught,
    ):
        parse_lempiras(text)
    assert caught.value.args == (message,)


def test_a_price_goes_back_into_the_form_as_typed():
    assert format_lempiras(125050) == "1250.50"
    assert format_lempiras(25000) == "250"
    assert parse_lempiras(format_lempiras(125050)) == 125050
