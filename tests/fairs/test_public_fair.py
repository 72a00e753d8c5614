"""The public fair page: when and where, the map, and finding a vendor."""

from datetime import timedelta

import pytest

from fairs.fairs.models import FairStatus
from marketplace.catalog.pages import upcoming_visits
from marketplace.core.timeutil import local_today


@pytest.fixture
def fair(make):
    fair = make.fair_with_layout(rows=1, cols=4, name="Feria de Emprendimiento Tela")
    make.booth_occupant(
        fair, fair.booths[0], business_name="Café Cerro Azul", category="coffee_cacao"
    )
    make.booth_occupant(fair, fair.booths[1], business_name="Tejidos Lenca", category="textiles")
    make.booth_occupant(fair, fair.booths[2], business_name="Hilos de Oro", category="textiles")
    return fair


def vendors_section(page: str) -> str:
    return page.split('id="vendors-title"')[1]


def test_public_page_shows_the_map_and_vendors_by_category(client, fair):
    page = client.get(f"/fairs/{fair.slug}").get_data(as_text=True)
    assert "Feria de Emprendimiento Tela" in page
    assert "<svg" in page
    section = vendors_section(page)
    assert section.index("Café y cacao") < section.index("Textiles y ropa")
    assert section.index("Hilos de Oro") < section.index("Tejidos Lenca")
    assert 'href="/vendors/emprendimiento-' in section
    # On the map, occupied booths lead to the vendor's page; free ones lead nowhere.
    map_part = page.split("<svg")[1].split("</svg>")[0]
    assert map_part.count("<a href=") == 3


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"q": "tejidos"}, "Tejidos Lenca", "Café Cerro Azul"),
        ({"q": "A-01"}, "Café Cerro Azul", "Tejidos Lenca"),
        ({"category": "textiles"}, "Hilos de Oro", "Café Cerro Azul"),
        ({"category": "made-up"}, "Hilos de Oro", "nothing hidden"),
    ],
)
def test_find_a_vendor(client, fair, query, shown, hidden):
    page = client.get(f"/fairs/{fair.slug}", query_string=query).get_data(as_text=True)
    section = vendors_section(page)
    assert shown in section
    assert hidden not in section


def test_search_without_match_says_so(client, fair):
    page = client.get(f"/fairs/{fair.slug}", query_string={"q": "zapatos"}).get_data(as_text=True)
    assert "Ningún emprendimiento coincide con su búsqueda." in page


def test_html_in_names_is_escaped_on_the_public_page(client, make):
    fair = make.fair_with_layout(rows=1, cols=1, name="<i>Feria</i>")
    make.booth_occupant(fair, fair.booths[0], business_name="<img src=x onerror=alert(1)>")
    page = client.get(f"/fairs/{fair.slug}").get_data(as_text=True)
    assert "<img src=x" not in page and "<i>Feria" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("status", [FairStatus.DRAFT, FairStatus.CANCELLED])
def test_unpublished_fair_is_not_found(client, make, status):
    fair = make.fair(status=status)
    assert client.get(f"/fairs/{fair.slug}").status_code == 404
    assert client.get("/fairs/no-such-fair").status_code == 404


def test_a_vendors_upcoming_fairs_with_their_booths(app, make):
    """What buyers see on product and vendor pages: published fairs not over, soonest first."""
    today = local_today()
    past = make.fair_with_layout(
        rows=1, cols=1, status=FairStatus.FINISHED, starts_on=today - timedelta(days=10)
    )
    later = make.fair_with_layout(rows=1, cols=2, starts_on=today + timedelta(days=40))
    sooner = make.fair_with_layout(rows=1, cols=2, starts_on=today + timedelta(days=5))
    draft = make.fair_with_layout(
        rows=1, cols=1, status=FairStatus.DRAFT, starts_on=today + timedelta(days=1)
    )
    application = make.booth_occupant(past, past.booths[0])
    vendor_id = application.vendor_id
    assert upcoming_visits(vendor_id, today) == []
    from fairs.applications.models import Application
    from marketplace.core.database import db

    for fair, booth in (
        (later, later.booths[1]),
        (sooner, sooner.booths[0]),
        (draft, draft.booths[0]),
    ):
        db.session.add(
            Application(fair_id=fair.id, vendor_id=vendor_id, status="approved", booth_id=booth.id)
        )
    db.session.commit()
    visits = [(v.fair, v.booth_code) for v in upcoming_visits(vendor_id, today)]
    assert visits == [(sooner, sooner.booths[0].code), (later, later.booths[1].code)]
    visits = [(v.fair, v.booth_code) for v in upcoming_visits(vendor_id, today + timedelta(days=6))]
    assert visits == [(later, later.booths[1].code)]
