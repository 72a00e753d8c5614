"""The ministry's impact report: counts, income, median and privacy of small groups."""

from datetime import UTC, date, datetime

import pytest

from fairs.reports.impact import Period, impact_report, parse_period, protected_groups

AUGUST = Period(date(2026, 8, 1), date(2026, 8, 31))


def in_august(day=15, hour=18):
    return datetime(2026, 8, day, hour, tzinfo=UTC)


def test_registered_verified_and_participating(make):
    fair = make.fair(starts_on=date(2026, 8, 15))
    seller = make.report_vendor(created_at=in_august(2), status="verified")
    approved = make.report_vendor(created_at=in_august(3), status="pending")
    make.report_vendor(created_at=datetime(2026, 7, 31, 12, tzinfo=UTC))  # before the period
    late = datetime(2026, 9, 1, 5, 59, tzinfo=UTC)  # 31 August, 23:59 in Tegucigalpa
    make.report_vendor(created_at=late, status="rejected")
    make.report_sale(seller, unit_price=30000, fair=fair, recorded_at=in_august())
    make.report_application(fair, approved)
    report = impact_report(AUGUST)
    assert (report.registered, report.verified, report.participating) == (3, 1, 2)


def test_income_total_and_median_per_entrepreneur(make):
    fair = make.fair(starts_on=date(2026, 8, 15))
    incomes = (10000, 20000, 30000)
    for income in incomes:
        make.report_sale(
            make.report_vendor(), unit_price=income, fair=fair, recorded_at=in_august()
        )
    idle = make.report_vendor()  # approved, sold nothing: counts as income 0
    make.report_application(fair, idle)
    noisy = make.report_vendor()
    make.report_sale(noisy, unit_price=500000, recorded_at=in_august(), voided=True)
    make.report_sale(noisy, unit_price=500000, recorded_at=datetime(2026, 9, 2, tzinfo=UTC))
    report = impact_report(AUGUST)
    assert report.participating == 4
    assert report.total_income == 60000
    assert report.median_income == 15000  # median of 0, 100, 200 and 300 lempiras


def test_a_fair_filter_keeps_only_that_fair(make):
    tegucigalpa = make.fair(starts_on=date(2026, 8, 15))
    la_ceiba = make.fair(starts_on=date(2026, 8, 31))
    vendor = make.report_vendor()
    make.report_sale(vendor, unit_price=10000, fair=tegucigalpa, recorded_at=in_august())
    make.report_sale(vendor, unit_price=70000, fair=la_ceiba, recorded_at=in_august(31))
    report = impact_report(Period(AUGUST.start, AUGUST.end, tegucigalpa.id))
    assert (report.participating, report.total_income) == (1, 10000)


def test_small_groups_are_merged_so_nobody_can_be_singled_out():
    groups = {
        "Mujeres": [100] * 7,
        "Hombres": [200] * 5,
        "Otra identidad": [300],
        "Sin dato": [400] * 2,
    }
    shown = protected_groups(groups)
    # Men alone would be 5, but then the 3 others would follow by subtraction: men join them.
    assert [(g.label, g.people) for g in shown] == [
        ("Mujeres", 7),
        ("Otros (grupos pequeños unidos para proteger la privacidad)", 8),
    ]
    assert shown[1].total == 5 * 200 + 300 + 2 * 400


def test_a_population_under_five_shows_no_figures():
    (only,) = protected_groups({"Mujeres": [100, 200], "Hombres": [300]})
    assert only.label == "Menos de 5 personas"
    assert (only.people, only.total, only.median) == (None, None, None)


def test_groups_of_five_or_more_are_shown_as_they_are():
    shown = protected_groups({"Mujeres": [100] * 6, "Hombres": [300] * 5})
    assert [(g.label, g.people, g.median) for g in shown] == [
        ("Mujeres", 6, 100),
        ("Hombres", 5, 300),
    ]


def test_the_page_never_reveals_a_small_group(make, auth, client):
    fair = make.fair(starts_on=date(2026, 8, 15))
    for gender in ["woman"] * 6 + ["man"]:
        vendor = make.report_vendor(gender=gender, age_range="25-34")
        make.report_sale(vendor, unit_price=10000, fair=fair, recorded_at=in_august())
    auth.login(make.organizer().email)
    html = client.get("/admin/impact?start=2026-08-01&end=2026-08-31").get_data(as_text=True)
    assert "Hombres" not in html
    assert "Menos de 5 personas" not in html  # merged with the women into one group of 7
    assert "Otros (grupos pequeños unidos para proteger la privacidad)" in html
    csv = client.get("/admin/impact/gender.csv?start=2026-08-01&end=2026-08-31")
    assert "Hombres" not in csv.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-08-31&end=2026-08-01", "La fecha de inicio es posterior a la fecha final"),
        ("start=15/08/2026", "«15/08/2026» no es una fecha que podamos usar"),
        ("end=9999-12-31", "«9999-12-31» no es una fecha que podamos usar"),
        ("fair=tegucigalpa", "Elija una feria de la lista"),
    ],
)
def test_bad_periods_explain_and_use_the_defaults(make, auth, client, query, message):
    auth.login(make.organizer().email)
    page = client.get(f"/admin/impact?{query}")
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)


def test_parse_period_defaults_to_this_year_so_far():
    period, errors = parse_period({}, date(2026, 8, 20))
    assert (period.start, period.end, period.fair_id, errors) == (
        date(2026, 1, 1),
        date(2026, 8, 20),
        None,
        [],
    )
    reversed_period, errors = parse_period(
        {"start": "2026-09-01", "end": "2026-08-01"}, date(2026, 8, 20)
    )
    assert reversed_period == period and len(errors) == 1


def test_the_impact_page_is_printable(make, auth, client):
    auth.login(make.admin().email)
    html = client.get("/admin/impact").get_data(as_text=True)
    assert "css/reports.css" in html and "data-print" in html
