"""CSV and Excel downloads: Spanish headers, lempira amounts, local times, only counted sales."""

import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from fairs.fairs.models import FairStatus

HEADERS = [
    "Fecha",
    "Emprendimiento",
    "Producto",
    "Cantidad",
    "Precio unitario (L)",
    "Total (L)",
    "Método de pago",
    "Feria",
    "Puesto",
]


@pytest.fixture
def fair_sales(make):
    fair = make.fair(status=FairStatus.FINISHED, name="Feria La Ceiba")
    booth = make.report_booth(fair, code="B-07")
    vendor = make.report_vendor("Artesanías Pilón")
    recorded = datetime(2026, 8, 31, 16, 30, tzinfo=UTC)  # 10:30 in La Ceiba
    make.report_sale(
        vendor,
        description="Hamaca",
        unit_price=62500,
        quantity=2,
        fair=fair,
        booth=booth,
        recorded_at=recorded,
    )
    make.report_sale(
        vendor,
        description='=HYPERLINK("http://x")',
        unit_price=100,
        fair=fair,
        recorded_at=recorded,
    )
    make.report_sale(vendor, description="Anulada", unit_price=9900, fair=fair, voided=True)
    return fair


def workbook_rows(client, url):
    """The first sheet's rows; the response is closed, as a web server closes it."""
    with client.get(url) as response:
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.get_data())).active
    return sheet, list(sheet.iter_rows(values_only=True))


def read_csv(response):
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel reads the accents right
    return list(csv.reader(io.StringIO(text[1:])))


def test_fair_sales_csv(fair_sales, make, auth, client):
    auth.login(make.organizer().email)
    response = client.get(f"/admin/fairs/{fair_sales.id}/report/sales.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == HEADERS
    assert rows[1] == [
        "2026-08-31 10:30",
        "Artesanías Pilón",
        "Hamaca",
        "2",
        "625.00",
        "1250.00",
        "Efectivo",
        "Feria La Ceiba",
        "B-07",
    ]
    assert rows[2][2] == '\'=HYPERLINK("http://x")'  # never run as a formula
    assert rows[2][5] == "1.00"
    assert len(rows) == 3  # the voided sale is left out


def test_fair_sales_excel(fair_sales, make, auth, client):
    auth.login(make.organizer().email)
    sheet, rows = workbook_rows(client, f"/admin/fairs/{fair_sales.id}/report/sales.xlsx")
    assert list(rows[0]) == HEADERS
    assert rows[1][0] == datetime(2026, 8, 31, 10, 30)
    assert rows[1][4:6] == (625, 1250)
    assert sheet["F2"].number_format == '"L" #,##0.00'
    assert sheet["C3"].data_type == "s" and sheet["C3"].value.startswith("=HYPERLINK")
    assert len(rows) == 3


def test_report_tables_export(fair_sales, make, auth, client):
    auth.login(make.organizer().email)
    rows = read_csv(client.get(f"/admin/fairs/{fair_sales.id}/report/payment.csv"))
    assert rows == [["Método de pago", "Total (L)", "Ventas"], ["Efectivo", "1251.00", "2"]]
    _sheet, rows = workbook_rows(client, f"/admin/fairs/{fair_sales.id}/report/vendors.xlsx")
    assert rows == [
        ("Emprendimiento", "Total (L)", "Ventas"),
        ("Artesanías Pilón", 1251, 2),
    ]


def test_an_entrepreneur_downloads_only_their_own_sales(make, auth, client):
    user = make.user()
    mine = make.report_vendor("Mío", user=user)
    make.report_sale(mine, description="Pan de coco", unit_price=3000)
    make.report_sale(make.report_vendor("Ajeno"), description="Secreto", unit_price=4000)
    auth.login(user.email)
    rows = read_csv(client.get("/me/reports/sales.csv"))
    assert [row[2] for row in rows[1:]] == ["Pan de coco"]
    assert rows[1][5] == "30.00" and rows[1][7] == ""
    products = read_csv(client.get("/me/reports/products.csv"))
    assert products == [["Producto", "Total (L)", "Unidades"], ["Pan de coco", "30.00", "1"]]
    _sheet, rows = workbook_rows(client, "/me/reports/fairs.xlsx")
    assert rows[1] == ("Fuera de feria", 30, 1)


def test_unknown_tables_and_formats_are_404(fair_sales, make, auth, client):
    auth.login(make.organizer().email)
    assert client.get(f"/admin/fairs/{fair_sales.id}/report/secrets.csv").status_code == 404
    assert client.get(f"/admin/fairs/{fair_sales.id}/report/sales.pdf").status_code == 404
    assert client.get("/admin/impact/names.csv").status_code == 404
