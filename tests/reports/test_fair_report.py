"""The organiser's per-fair sales report: figures a person would check by hand."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from fairs.fairs.models import FairStatus
from fairs.reports.fair_sales import fair_report
from marketplace.core.database import db


def at(hour, minute=0, day=15):
    """A moment on 15 August 2026 given in UTC."""
    return datetime(2026, 8, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def fair_with_sales(make):
    fair = make.fair(status=FairStatus.LIVE, name="Feria Tegucigalpa")
    maria = make.report_vendor("Café Doña María", category="coffee_cacao", department="Cortés")
    jose = make.report_vendor("Cueros José", category="leather", department="Yoro")
    # 10:30 and 11:15 in Tegucigalpa (UTC−6).
    make.report_sale(maria, unit_price=12500, quantity=2, fair=fair, recorded_at=at(16, 30))
    make.report_sale(
        maria, unit_price=5000, fair=fair, recorded_at=at(17, 15), payment_method="card"
    )
    make.report_sale(jose, unit_price=80000, fair=fair, recorded_at=at(16, 45))
    # Never counted: a voided sale, and a sale at another fair.
    make.report_sale(jose, unit_price=99900, fair=fair, recorded_at=at(16, 50), voided=True)
    make.report_sale(jose, unit_price=77700, fair=make.fair(), recorded_at=at(16, 50))
    return fair


def test_totals_counts_and_average(fair_with_sales):
    report = fair_report(fair_with_sales.id)
    assert report.total == 25000 + 5000 + 80000
    assert report.sales == 3
    assert report.vendors == 2
    assert report.average_per_vendor == 55000


def test_breakdowns_by_category_department_payment_and_vendor(fair_with_sales):
    report = fair_report(fair_with_sales.id)
    assert [(x.label, x.total, x.count) for x in report.by_category] == [
        ("Cuero", 80000, 1),
        ("Café y cacao", 30000, 2),
    ]
    assert [(x.label, x.total) for x in report.by_department] == [
        ("Yoro", 80000),
        ("Cortés", 30000),
    ]
    assert [(x.label, x.total, x.count) for x in report.by_payment] == [
        ("Efectivo", 105000, 2),
        ("Tarjeta", 5000, 1),
    ]
    assert [x.label for x in report.top_vendors] == ["Cueros José", "Café Doña María"]


def test_hours_are_tegucigalpa_hours(make):
    fair = make.fair()
    vendor = make.report_vendor()
    make.report_sale(vendor, fair=fair, recorded_at=at(15, 59))  # 09:59 local
    make.report_sale(vendor, fair=fair, recorded_at=at(18, 0))  # 12:00 local
    make.report_sale(vendor, fair=fair, recorded_at=at(18, 59))  # 12:59 local
    make.report_sale(vendor, fair=fair, recorded_at=at(3, 0, day=16))  # 21:00 local on the 15th
    hours = {x.label: x.count for x in fair_report(fair.id).by_hour}
    assert hours["09:00"] == 1
    assert hours["10:00"] == 0  # quiet hours still appear, so the chart reads as a day
    assert hours["12:00"] == 2
    assert hours["21:00"] == 1
    assert list(hours)[0] == "09:00" and list(hours)[-1] == "21:00"


def test_a_fair_without_sales_is_empty_not_an_error(make, auth, client):
    fair = make.fair()
    report = fair_report(fair.id)
    assert report.is_empty and report.average_per_vendor is None and report.by_hour == []
    auth.login(make.organizer().email)
    page = client.get(f"/admin/fairs/{fair.id}/report")
    assert page.status_code == 200
    assert "Todavía no se han registrado ventas en esta feria" in page.get_data(as_text=True)


def count_statements(fair_id):
    statements = []

    def record(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        fair_report(fair_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_a_fixed_number_of_statements_whatever_the_number_of_sales(make):
    fair = make.fair()
    vendors = [make.report_vendor() for _ in range(3)]
    make.report_sale(vendors[0], fair=fair)
    few = count_statements(fair.id)
    for vendor in vendors:
        make.report_sales(vendor, 40, fair=fair, payment_method="transfer")
    many = count_statements(fair.id)
    assert few == many == 2


def test_the_page_shows_figures_chart_and_live_refresh(fair_with_sales, make, auth, client):
    auth.login(make.organizer().email)
    html = client.get(f"/admin/fairs/{fair_with_sales.id}/report").get_data(as_text=True)
    assert "L 1,100.00" in html  # total
    assert "L 550.00" in html  # average per entrepreneur
    assert 'role="img"' in html and "<title>Ventas por hora</title>" in html
    assert "data-refresh-url" in html and "js/reports.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    fragment = client.get(f"/admin/fairs/{fair_with_sales.id}/report/figures")
    assert fragment.status_code == 200 and "L 1,100.00" in fragment.get_data(as_text=True)


def test_business_names_are_escaped_in_page_and_chart(make, auth, client):
    fair = make.fair()
    vendor = make.report_vendor('<script>alert("x")</script> & Hijos')
    make.report_sale(vendor, fair=fair)
    auth.login(make.organizer().email)
    html = client.get(f"/admin/fairs/{fair.id}/report").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Hijos" in html


def test_entrepreneurs_cannot_open_organiser_reports(make, auth, client):
    fair = make.fair()
    auth.login(make.user().email)
    for url in (
        f"/admin/fairs/{fair.id}/report",
        f"/admin/fairs/{fair.id}/report/figures",
        f"/admin/fairs/{fair.id}/report/sales.csv",
        "/admin/impact",
        "/admin/impact/gender.xlsx",
    ):
        assert client.get(url).status_code == 403, url


def test_unknown_fair_is_404(make, auth, client):
    auth.login(make.organizer().email)
    assert client.get("/admin/fairs/999999/report").status_code == 404
    assert client.get("/admin/fairs/999999/report/sales.csv").status_code == 404
    assert client.get("/admin/impact?fair=999999").status_code == 404


def test_an_id_too_large_for_the_database_is_404_not_500(make, auth, client):
    auth.login(make.organizer().email)
    huge = "9" * 25
    assert client.get(f"/admin/fairs/{huge}/report").status_code == 404
    assert client.get(f"/admin/fairs/{2**31}/report").status_code == 404
    assert client.get(f"/admin/impact?fair={huge}").status_code == 404
