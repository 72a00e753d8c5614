"""Gender and age range are the person's own answers: staff may write them at a desk with the
person's consent, never read them back. They only count in the impact report's merged groups."""

import html
import io
import itertools
import re
import zipfile
from datetime import date

import pytest
from werkzeug.routing import BuildError

from fairs.applications.models import ApplicationStatus
from marketplace.core.database import db
from tests.vendors.test_assisted import register_at_desk
from vendors.profiles.models import VendorProfile

# Values no label lookup knows, so any page that shows the stored value shows these.
GENDER, AGE = "sembrado-g7", "edad-z9"
TABLES = ("sales", "categories", "departments", "payment", "hours", "vendors", "gender", "age")


@pytest.fixture
def planted(make):
    """A verified entrepreneur in every list staff can open: a product, an order, a booth at a
    fair, sales in it."""
    vendor = make.vendor(gender=GENDER, age_range=AGE, business_name="Tejidos Lenca")
    fair = make.fair_with_layout(starts_on=date.today())
    booth = fair.booths[0]
    application = make.application(fair, vendor, status=ApplicationStatus.APPROVED, booth=booth)
    product = make.shop_product(vendor=vendor, stock=10)
    order = make.placed_order([(product, 1)])
    make.report_sale(vendor, fair=fair, booth=booth)
    ids = {
        "vendor_id": vendor.id,
        "fair_id": fair.id,
        "booth_id": booth.id,
        "application_id": application.id,
        "product_id": product.id,
        "order_id": order.id,
        "slug": [vendor.slug, fair.slug],
        "table": TABLES,
        "fmt": ("csv", "xlsx"),
    }
    return ids


def staff_urls(app, ids) -> set[str]:
    """Every GET page an organiser can open (the entrepreneur's own /me pages aside), with the
    planted person's ids filled in."""
    adapter = app.url_map.bind("localhost")
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/me", "/static", "/media")):
            continue
        options = [ids.get(name, [None]) for name in sorted(rule.arguments)]
        options = [o if isinstance(o, list | tuple) else [o] for o in options]
        for combo in itertools.product(*options):
            values = dict(zip(sorted(rule.arguments), combo, strict=True))
            if None in values.values():
                continue
            try:
                urls.add(adapter.build(rule.endpoint, values))
            except (BuildError, ValueError):  # a table another report does not have
                continue
    return urls


def text_of(response) -> str:
    data = response.get_data()
    if data[:2] == b"PK":  # an XLSX: its sheets and shared strings are XML inside the zip
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    return data.decode("utf-8-sig", errors="replace")


def links(page: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="(/[^"#]*)', page):
        href = html.unescape(href)
        if not href.startswith(("//", "/static", "/media", "/me")):
            found.add(href)
    return found


@pytest.mark.parametrize("role", ["organizer", "admin"])
def test_no_staff_page_export_or_api_answer_shows_gender_or_age(
    app, client, make, auth, planted, role
):
    getattr(make, role)(email="staff@example.hn")
    auth.login("staff@example.hn")
    seen, queue, checked = set(), sorted(staff_urls(app, planted)), 0
    while queue:
        url = queue.pop()
        if url in seen or len(seen) > 400:
            continue
        seen.add(url)
        with client.get(url) as response:
            if response.status_code != 200:
                continue
            body = text_of(response)
        checked += 1
        assert GENDER not in body and AGE not in body, url
        if not url.startswith("/admin/vendors/new"):  # the desk form asks, empty
            assert 'name="gender"' not in body and 'name="age_range"' not in body, url
        if "html" in response.content_type:
            queue.extend(links(body) - seen)
    # The lists, the profile, both reports and their exports, the API were all read.
    vendor_id, fair_id = planted["vendor_id"], planted["fair_id"]
    for must in (
        "/admin/vendors",
        f"/admin/vendors/{vendor_id}",
        f"/admin/vendors/{vendor_id}/edit",
        f"/admin/fairs/{fair_id}/report/vendors.xlsx",
        "/admin/impact",
        "/admin/impact/gender.csv",
        "/admin/impact/age.xlsx",
        f"/api/v1/vendors/{planted['slug'][0]}",
    ):
        assert must in seen, must
    assert checked > 40


def test_the_impact_report_counts_them_only_in_merged_groups(client, make, auth, planted):
    make.organizer(email="staff@example.hn")
    auth.login("staff@example.hn")
    page = client.get("/admin/impact").get_data(as_text=True)
    assert "Menos de 5 personas" in page or "Fewer than 5 people" in page


def test_the_desk_saves_gender_and_age_only_with_the_persons_consent(client, make, auth):
    make.organizer(email="staff@example.hn")
    auth.login("staff@example.hn")
    refused = register_at_desk(client, answers_consent=None)
    assert refused.status_code == 422
    assert "Género y edad se guardan solo con el consentimiento de la persona" in refused.text
    assert db.session.scalar(db.select(db.func.count(VendorProfile.id))) == 0

    # Without those answers, the account needs no second consent.
    response = register_at_desk(client, answers_consent=None, gender="", age_range="")
    assert response.status_code == 302
    vendor = db.session.scalar(db.select(VendorProfile))
    assert vendor.gender is None and vendor.age_range is None


def test_with_consent_they_are_saved_and_the_confirmation_does_not_show_them(client, make, auth):
    make.organizer(email="staff@example.hn")
    auth.login("staff@example.hn")
    response = register_at_desk(client)
    vendor = db.session.scalar(db.select(VendorProfile))
    assert (vendor.gender, vendor.age_range) == ("woman", "35-44")
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert vendor.business_name in confirmation
    for shown in ("Mujer", "35–44", "35-44", "woman"):
        assert shown not in confirmation
