"""Property tests of the parsers that read what people type and what clients send.

Whatever the input, each one either answers a value in its documented range or refuses it in
its documented way (PriceError with a message, None, a form error, a Problem, InvalidCursor);
nothing else ever escapes.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from marketplace.catalog.cursor import InvalidCursor, decode_cursor, encode_cursor
from marketplace.catalog.filters import MAX_LIMIT, MAX_PRICE, parse_filters
from marketplace.core.forms import Form
from marketplace.core.inputs import (
    FORBIDDEN_CHARACTERS,
    MAX_ID,
    has_forbidden_characters,
    to_id,
    to_int,
)
from vendors.products.prices import MAX_PRICE as MAX_PRODUCT_PRICE
from vendors.products.prices import PriceError, parse_lempiras
from vendors.profiles.contact import normalise_phone
from vendors.sales import forms as sales_forms

QUICK = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text as people and scripts produce it: digits, separators, currency signs, unicode digits,
#: control characters, and anything at all.
typed = st.one_of(
    st.text(alphabet="0123456789,. -Llps+()", max_size=30),
    st.text(alphabet="0123456789٠١٢٣²³¹½_eE+-.,\x00\u202e\u2066 ", max_size=25),
    st.from_regex(r"\s*(L|Lps\.?)?\s*\d{1,12}(,\d{3})*(\.\d{0,4})?\s*", fullmatch=True),
    st.text(max_size=40),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.integers(min_value=2**31 - 3, max_value=2**64).map(str),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@pytest.fixture
def request_context(app):
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        yield


@QUICK
@given(text=typed)
@example(text="1,000,000.00")
@example(text="1,000,000.01")
@example(text="0.00")
def test_a_typed_price_is_centavos_in_range_or_a_price_error(request_context, text):
    try:
        centavos = parse_lempiras(text)
    except PriceError as e:
        assert str(e.message)
        return
    assert isinstance(centavos, int) and not isinstance(centavos, bool)
    assert 1 <= centavos <= MAX_PRODUCT_PRICE == 100_000_000


def test_a_price_of_thousands_of_digits_is_a_price_error(request_context):
    with pytest.raises(PriceError):
        parse_lempiras("9" * 5000)


@QUICK
@given(centavos=st.integers(min_value=1, max_value=MAX_PRODUCT_PRICE))
def test_a_price_survives_being_written_out_and_read_again(request_context, centavos):
    whole, cents = divmod(centavos, 100)
    assert parse_lempiras(f"L {whole:,}.{cents:02d}") == centavos


@QUICK
@given(text=typed)
@example(text="9" * 5000)
def test_the_sales_screen_price_is_centavos_or_none(text):
    centavos = sales_forms.parse_lempiras(text)
    assert centavos is None or (isinstance(centavos, int) and 0 <= centavos < 10**9)


class _QuantityForm(Form):
    quantity = sales_forms.SaleForm.quantity


@QUICK
@given(raw=typed)
@example(raw=str(2**63))
@example(raw="1e3")
def test_a_quantity_is_a_whole_number_from_1_to_1000_or_a_form_error(request_context, raw):
    form = _QuantityForm(formdata=MultiDict({"quantity": raw}), meta={"csrf": False})
    if form.validate():
        assert isinstance(form.quantity.data, int)
        assert 1 <= form.quantity.data <= 1000
    else:
        assert form.quantity.errors and all(str(m) for m in form.quantity.errors)


@QUICK
@given(text=st.one_of(typed, st.text(alphabet="+5049876-3278 ().", max_size=20)))
@example(text="9876-5432")
@example(text="+504 2234 5678")
@example(text="50498765432")
def test_a_phone_is_a_honduran_number_or_none(text):
    phone = normalise_phone(text)
    if phone is None:
        return
    assert phone.startswith("+504") and len(phone) == 12
    assert phone[4:].isascii() and phone[4:].isdigit() and phone[4] in "23789"
    assert normalise_phone(phone) == phone


@QUICK
@given(value=st.one_of(json_values, typed))
@example(value=2**63)
@example(value=str(2**63))
@example(value=" 42 ")
@example(value="٤٢")
@example(value=True)
@example(value=1.0)
def test_to_int_and_to_id_answer_an_integer_in_range_or_none(value):
    number = to_int(value, minimum=-50, maximum=50)
    assert number is None or (type(number) is int and -50 <= number <= 50)
    ident = to_id(value)
    assert ident is None or (type(ident) is int and 1 <= ident <= MAX_ID)
    if ident is not None:
        assert ident == int(str(value).strip())


@QUICK
@given(number=st.integers(min_value=1, max_value=MAX_ID))
def test_every_valid_id_is_read_back(number):
    assert to_id(number) == to_id(str(number)) == to_id(f" {number}\n") == number


@QUICK
@given(text=st.text(max_size=60))
@example(text="Ana\u202egnp.exe")
@example(text="nul\x00")
def test_the_text_check_finds_exactly_the_forbidden_characters(request_context, text):
    found = has_forbidden_characters(text)
    assert found == any(c in FORBIDDEN_CHARACTERS for c in text)

    class _TextForm(Form):
        name = sales_forms.SaleForm.description

    form = _TextForm(formdata=MultiDict({"name": text}), meta={"csrf": False})
    accepted = form.validate()
    if found:
        assert not accepted
    if accepted:
        assert not has_forbidden_characters(form.name.data)


@QUICK
@given(
    args=st.fixed_dictionaries(
        {},
        optional={
            "q": typed,
            "category": st.one_of(st.sampled_from(["food", "crafts"]), typed),
            "department": st.one_of(st.sampled_from(["Yoro", "Atlántida"]), typed),
            "min_price": typed,
            "max_price": typed,
            "sort": st.one_of(st.sampled_from(["newest", "price_asc"]), typed),
            "limit": typed,
            "cursor": typed,
        },
    ),
    lempiras=st.booleans(),
)
def test_catalogue_filters_are_in_range_or_reported(request_context, args, lempiras):
    f = parse_filters(args, money_in_lempiras=lempiras)
    assert all(p.code and str(p.message) for p in f.problems)
    for price in (f.min_price, f.max_price):
        assert price is None or 0 <= price <= MAX_PRICE == MAX_ID
    if f.min_price is not None and f.max_price is not None:
        assert f.min_price <= f.max_price
    assert 1 <= f.limit <= MAX_LIMIT
    assert "\x00" not in f.q


@QUICK
@given(token=typed, sort=st.sampled_from(["newest", "price_asc", "name", "relevance"]))
def test_a_cursor_is_its_key_or_invalid(request_context, token, sort):
    try:
        key = decode_cursor(token, sort)
    except InvalidCursor:
        return
    assert isinstance(key, tuple)


@QUICK
@given(price=st.integers(min_value=0, max_value=MAX_PRICE), pid=st.integers(1, MAX_ID))
def test_a_cursor_made_by_us_is_read_back(request_context, price, pid):
    assert decode_cursor(encode_cursor("price_asc", (price, pid)), "price_asc") == (price, pid)
    with pytest.raises(InvalidCursor):
        decode_cursor(encode_cursor("price_asc", (price, pid)), "name")
