"""Journey 2, fair day, at a phone's and a laptop's width.

Before the day (arranged through the app's own services, as journey 1 walks those pages): a
fair held today with its applications closed, and a new verified entrepreneur with two products
holding booth A-01. On the day the organiser starts the fair and marks her present; she records
two sales, loses the connection, records three more that wait on her phone, and when the
connection returns they reach the ledger exactly once. Her own sales page and the organiser's
live fair report both show the five sales' total.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from fairs.applications.models import Application
from fairs.applications.services import Choices, apply, decide
from fairs.assignment.booking import assign_booth
from fairs.fairs.models import FairStatus
from fairs.fairs.services import FairDetails, change_status, create_fair
from fairs.layout.services import generate_layout
from marketplace.core.auth.models import Role
from marketplace.core.auth.services import create_user, find_user
from marketplace.core.database import db
from marketplace.core.timeutil import local_today
from tests.e2e.journey_steps import (
    ORGANISER,
    VIEWPORT_IDS,
    VIEWPORTS,
    fits_the_screen,
    flash,
    follow_menu,
    sign_in,
)
from vendors.products.services import ProductFields, create_product
from vendors.profiles.services import complete_profile, verify_vendor
from vendors.sales.models import Sale

PASSWORD = "nacatamal-de-cerdo-5"


@dataclass
class FairDay:
    fair_id: int
    fair: str
    vendor_id: int
    business: str
    email: str
    booth: str


@pytest.fixture
def fair_day(live_app, request) -> FairDay:
    """Today's fair, applications closed, and a new entrepreneur of its own at booth A-01 (one
    of each per viewport, so every total is exactly this run's)."""
    width = request.node.callspec.id
    with live_app.app_context():
        organiser = find_user(ORGANISER)
        user = create_user(f"rosa.{width}@example.hn", PASSWORD, Role.ENTREPRENEUR, "Rosa Díaz")
        vendor = complete_profile(
            user,
            {
                "business_name": f"Nacatamales Doña Rosa ({width})",
                "category": "food",
                "department": "Francisco Morazán",
                "municipality": "Tegucigalpa",
            },
        )
        verify_vendor(vendor, organiser)
        for title, price, stock in (("Nacatamal", 60_00, 40), ("Horchata", 25_00, None)):
            fields = ProductFields(title, "", "food", price, stock, visible=True)
            create_product(vendor, fields, [])
        today = local_today()
        fair = create_fair(
            organiser,
            FairDetails(
                name=f"Feria de hoy en El Picacho ({width})",
                city="Tegucigalpa",
                department="Francisco Morazán",
                venue="Parque Naciones Unidas El Picacho",
                starts_on=today,
                ends_on=today,
                applications_open_on=today,
                applications_close_on=today,
            ),
        )
        booth = generate_layout(organiser, fair, 1, 2)[0]
        change_status(organiser, fair, FairStatus.OPEN)
        application = apply(vendor, fair, Choices(categories=["food"]))
        decide(organiser, application, "approved")
        assign_booth(organiser, application, booth)
        change_status(organiser, fair, FairStatus.CLOSED)
        db.session.commit()
        return FairDay(fair.id, fair.name, vendor.id, vendor.business_name, user.email, booth.code)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_sales_recorded_offline_reach_the_fair_report_once(visit, viewport, fair_day, live_app):
    organiser = visit("fair-day/organiser", viewport)
    sign_in(organiser.page, ORGANISER)
    start_the_fair_and_check_in(organiser, fair_day)

    rosa = visit("fair-day/entrepreneur", viewport)
    sign_in(rosa.page, fair_day.email, PASSWORD)
    page = rosa.page
    follow_menu(page, "Registrar venta")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrar venta")
    rosa.check("sell")
    assert fits_the_screen(page)

    # Each sale is seen through before the next, as a seller does (the form resets after it).
    sell(page, "Nacatamal", quantity=3)  # 3 × L 60.00
    expect(today_total(page)).to_have_text("Ventas: 1 · L 180.00")
    expect(page.locator("#sale-status")).to_have_text("Venta registrada.")
    sell(page, "Horchata", quantity=2, paid="Tarjeta")  # 2 × L 25.00
    expect(today_total(page)).to_have_text("Ventas: 2 · L 230.00")
    assert recorded(live_app, fair_day) == (2, 230_00)

    page.context.set_offline(True)
    pending = page.locator("#sale-pending")
    sell(page, "Nacatamal", quantity=1, price="55")  # a fair discount
    expect(pending).to_have_text("Ventas pendientes de enviar: 1")
    sell(page, "Otro artículo", quantity=4, price="10", description="Rosquillas")
    expect(pending).to_have_text("Ventas pendientes de enviar: 2")
    sell(page, "Horchata", quantity=1)
    expect(pending).to_have_text("Ventas pendientes de enviar: 3")
    expect(page.locator("#sale-status")).to_have_text(
        "Venta guardada en este teléfono. Se enviará cuando haya conexión."
    )
    expect(today_total(page)).to_have_text("Ventas: 2 · L 230.00")
    rosa.check("sell-offline")
    assert recorded(live_app, fair_day) == (2, 230_00)

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(pending).to_be_hidden()
    expect(today_total(page)).to_have_text("Ventas: 5 · L 350.00")
    expect(page.locator("#sale-status")).not_to_contain_text("no se pudo registrar")
    expect(page.locator(".today-sale")).to_have_count(5)
    expect(page.locator(".today-sale", has_text="4 × Rosquillas")).to_contain_text("L 40.00")
    rosa.check("sell-back-online")
    assert recorded(live_app, fair_day) == (5, 350_00)
    assert attributed_to_the_fair(live_app, fair_day)

    follow_menu(page, "Mi negocio")
    page.get_by_role("link", name="Ver mis cifras de ventas y descargarlas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mis ventas")
    expect(page.locator(".today .big-figure")).to_have_text("L 350.00")
    expect(page.locator(".today")).to_contain_text("Ventas de hoy: 5")
    by_fair = page.get_by_role("table").filter(has_text=fair_day.fair)
    expect(by_fair.get_by_role("row", name=re.compile(re.escape(fair_day.fair)))).to_contain_text(
        "L 350.00"
    )
    rosa.check("my-sales")

    live_report_shows(organiser, fair_day, "L 350.00", sales=5)


def start_the_fair_and_check_in(visit, fair_day):
    page = visit.page
    follow_menu(page, "Ferias")
    page.get_by_role("link", name=fair_day.fair).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fair_day.fair)
    page.get_by_role("button", name="Cambiar a «Día de feria»").click()
    expect(flash(page)).to_have_text("El estado cambió a «Día de feria».")
    visit.check("fair-live")
    page.get_by_role("navigation", name="Herramientas de la feria").get_by_role(
        "link", name="Registro de asistencia"
    ).click()
    expect(page.locator(".checkin-count")).to_have_text("0 de 1 emprendimientos presentes")
    # The fair has no opening hours, so it counts as open since midnight: she is not here yet.
    expect(page.locator(".no-shows")).to_contain_text(fair_day.business)
    row = page.locator("#checkin-list .checkin-item", has_text=fair_day.business)
    expect(row.locator(".checkin-booth")).to_have_text(fair_day.booth)
    row.get_by_role("button", name="Marcar presente").click()
    expect(flash(page)).to_have_text(f"{fair_day.business} quedó marcado como presente.")
    expect(page.locator(".checkin-count")).to_have_text("1 de 1 emprendimientos presentes")
    expect(page.locator(".no-shows")).to_have_count(0)
    visit.check("checked-in")
    assert fits_the_screen(page)


def sell(page, product, quantity, price=None, paid="Efectivo", description=None):
    """One sale on the sales screen, as the seller taps it in."""
    page.locator(".tile", has_text=product).click()
    if description:
        page.get_by_label("Describa el artículo").fill(description)
    page.get_by_label("Cantidad").fill(str(quantity))
    if price:
        page.get_by_label("Precio por unidad (L)").fill(price)
    page.get_by_label(paid, exact=True).check()
    page.get_by_role("button", name="Registrar venta").click()


def today_total(page):
    return page.locator("#sales-today .today-total")


def live_report_shows(visit, fair_day, total, sales):
    page = visit.page
    follow_menu(page, "Panel de organización")
    page.get_by_role("link", name=f"Ventas en {fair_day.fair}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Informe de ventas: {fair_day.fair}")
    expect(page.get_by_role("status").filter(has_text="En vivo")).to_be_visible()
    summary = page.locator("dl.figures")
    expect(summary.locator("div", has_text="Ventas totales").locator("dd")).to_have_text(total)
    expect(summary.locator("div", has_text="Número de ventas").locator("dd")).to_have_text(
        str(sales)
    )
    visit.check("live-report")


def recorded(live_app, fair_day) -> tuple[int, int]:
    """(number of sales, their total in centavos) in the ledger for this entrepreneur."""
    with live_app.app_context():
        count, total = db.session.execute(
            db.select(db.func.count(Sale.id), db.func.coalesce(db.func.sum(Sale.total), 0)).where(
                Sale.vendor_id == fair_day.vendor_id
            )
        ).one()
        db.session.rollback()  # on SQLite an open transaction would hold up the server's writes
    return count, total


def attributed_to_the_fair(live_app, fair_day) -> bool:
    """Every sale went to today's fair and to her booth, each under its own phone key."""
    with live_app.app_context():
        booth_id = db.session.scalar(
            db.select(Application.booth_id).where(Application.vendor_id == fair_day.vendor_id)
        )
        rows = db.session.execute(
            db.select(Sale.fair_id, Sale.booth_id, Sale.client_key).where(
                Sale.vendor_id == fair_day.vendor_id
            )
        ).all()
        db.session.rollback()
    keys = [r.client_key for r in rows]
    return len(set(keys)) == len(keys) and all(
        (r.fair_id, r.booth_id) == (fair_day.fair_id, booth_id) for r in rows
    )
