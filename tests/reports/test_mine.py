"""An entrepreneur's own sales page and dashboard panel."""

from datetime import timedelta

from marketplace.core.sqltime import utc_bounds
from marketplace.core.timeutil import local_today
from tests.panels import render_panel
from vendors.sales.report import best_products, by_payment, today_total


def test_today_is_the_tegucigalpa_day_and_voided_sales_never_count(make):
    vendor = make.report_vendor()
    start, end = utc_bounds(local_today(), local_today())
    make.report_sale(vendor, unit_price=15000, recorded_at=start)  # local midnight: today
    make.report_sale(vendor, unit_price=2500, quantity=2, recorded_at=end - timedelta(minutes=1))
    make.report_sale(
        vendor, unit_price=99900, recorded_at=start - timedelta(minutes=1)
    )  # yesterday
    make.report_sale(vendor, unit_price=77700, recorded_at=start, voided=True)
    make.report_sale(make.report_vendor(), unit_price=55500, recorded_at=start)  # someone else's
    today = today_total(vendor.id)
    assert (today.total, today.count) == (20000, 2)


def test_best_products_and_payment_methods(make):
    vendor = make.report_vendor()
    make.report_sale(vendor, description="Café molido", unit_price=12000, quantity=3)
    make.report_sale(vendor, description="Café molido", unit_price=12000, payment_method="transfer")
    make.report_sale(vendor, description="Miel", unit_price=20000)
    make.report_sale(vendor, description="Miel", unit_price=90000, voided=True)
    assert [(p.label, p.total, p.count) for p in best_products(vendor.id)] == [
        ("Café molido", 48000, 4),
        ("Miel", 20000, 1),
    ]
    assert [(p.label, p.total, p.count) for p in by_payment(vendor.id)] == [
        ("Efectivo", 56000, 2),
        ("Transferencia", 12000, 1),
    ]


def test_the_page_shows_totals_per_fair_and_charts(make, auth, client):
    user = make.user()
    vendor = make.report_vendor("Miel & <Cera>", user=user)
    fair = make.fair(name="Feria San Pedro Sula")
    make.report_sale(vendor, unit_price=125000, fair=fair)
    make.report_sale(vendor, unit_price=5000)  # outside any fair
    auth.login(user.email)
    page = client.get("/me/reports")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Feria San Pedro Sula" in html and "L 1,250.00" in html
    assert "Fuera de feria" in html and "L 50.00" in html
    assert "L 1,300.00" in html  # today's total
    assert 'role="img"' in html and "<title>Ventas por feria</title>" in html
    assert "Miel & <Cera>" not in html


def test_without_a_profile_or_sales_the_page_is_friendly(make, auth, client):
    user = make.user()
    auth.login(user.email)
    html = client.get("/me/reports").get_data(as_text=True)
    assert "cuando su perfil de negocio esté listo" in html
    make.report_vendor(user=user)
    html = client.get("/me/reports").get_data(as_text=True)
    assert "Todavía no ha registrado ventas" in html
    with client.get("/me/reports/sales.csv") as download:
        assert download.status_code == 200
        assert download.get_data(as_text=True).count("\n") == 1  # the headers only


def test_organisers_have_no_entrepreneur_page(make, auth, client):
    auth.login(make.organizer().email)
    assert client.get("/me/reports").status_code == 403


def test_dashboard_panel_shows_today(app, make, auth, client):
    user = make.user()
    vendor = make.report_vendor(user=user)
    make.report_sale(vendor, unit_price=30000)
    auth.login(user.email)
    with app.test_request_context():
        html = render_panel("vendors/_dash_reports.html", user)
    assert "L 300.00" in html and "/me/reports" in html
