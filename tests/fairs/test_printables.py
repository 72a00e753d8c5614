"""What organisers print for the fair day: the map, the vendor list, the QR cards."""

import pytest

from fairs.fairs.models import FairStatus


@pytest.fixture
def fair(make):
    fair = make.fair_with_layout(rows=2, cols=3, status=FairStatus.CLOSED)
    make.booth_occupant(fair, fair.booths[4], business_name="Tejidos Lenca")
    make.booth_occupant(fair, fair.booths[0], business_name="Café <b>Cerro</b> Azul")
    make.booth_occupant(fair, None, business_name="Sin puesto", status="waitlisted")
    return fair


def test_printable_map_has_the_booths_and_a_legend(client, organizer, fair):
    page = client.get(f"/admin/fairs/{fair.id}/print/map").get_data(as_text=True)
    assert "<svg" in page and "B-03" in page
    assert "Tejidos Lenca" in page and "Libre" in page
    assert "fairs.css" in page  # which carries the A4 print rules


def test_vendor_list_is_alphabetical_with_booth_codes(client, organizer, fair):
    page = client.get(f"/admin/fairs/{fair.id}/print/vendors").get_data(as_text=True)
    cafe, tejidos = page.index("Café &lt;b&gt;Cerro&lt;/b&gt; Azul"), page.index("Tejidos Lenca")
    assert cafe < tejidos
    assert "<td>A-01</td>" in page and "<td>B-02</td>" in page
    assert "Sin puesto" not in page


def test_qr_sheet_has_one_card_per_occupied_booth(client, organizer, fair):
    page = client.get(f"/admin/fairs/{fair.id}/print/qr").get_data(as_text=True)
    assert page.count('class="qr-card"') == 2
    assert page.count('class="segno"') == 2
    assert "Puesto A-01" in page and "Puesto B-02" in page
    assert "Tejidos Lenca" in page
    assert "Café &lt;b&gt;Cerro&lt;/b&gt; Azul" in page
    assert "<b>Cerro" not in page


def test_qr_code_encodes_the_vendor_page(app, fair):
    from fairs.fairs.links import vendor_url

    with app.test_request_context(base_url="https://mercado.example.hn"):
        assert (
            vendor_url("cafe-azul", external=True) == "https://mercado.example.hn/vendors/cafe-azul"
        )
