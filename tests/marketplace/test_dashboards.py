"""The dashboards' panels: what each board shows, in which order, and that showing it reads
nothing more from the database."""

from contextlib import contextmanager

from flask import Flask, before_render_template, template_rendered
from sqlalchemy import event

from fairs.applications.models import ApplicationStatus
from fairs.fairs.models import FairStatus
from marketplace.core import dashboards
from marketplace.core.database import db


def test_panels_come_in_order_and_one_without_data_is_left_out():
    app = Flask(__name__)
    dashboards.register(app, "vendor", "late.html", lambda user: ["late"], order=20)
    dashboards.register(app, "vendor", "hidden.html", lambda user: None, order=5)
    dashboards.register(app, "admin", "links.html", order=1)
    dashboards.register(app, "vendor", "early.html", lambda user: {"for": user}, order=10)
    with app.app_context():
        assert dashboards.collect("vendor", "rosa") == [
            ("early.html", {"for": "rosa"}),
            ("late.html", ["late"]),
        ]
        assert dashboards.collect("admin", "rosa") == [("links.html", {})]


def test_every_package_adds_its_panel_to_its_board(app):
    with app.app_context():
        vendor = [p.template for p in dashboards.panels_of("vendor")]
        admin = [p.template for p in dashboards.panels_of("admin")]
    assert vendor == [
        "vendors/_dash_products.html",
        "vendors/_dash_applications.html",
        "vendors/_dash_sales.html",
        "vendors/_dash_orders.html",
        "vendors/_dash_reports.html",
    ]
    assert admin == [
        "admin/_dash_vendors.html",
        "admin/_dash_fairs.html",
        "admin/_dash_applications.html",
        "admin/_dash_reports.html",
        "admin/_dash_orders.html",
    ]


@contextmanager
def queries_while_rendering(app):
    """The SQL statements run between the start and the end of a page's rendering."""
    rendering, seen = [False], []

    def start(sender, **kw):
        rendering[0] = True

    def end(sender, **kw):
        rendering[0] = False

    def executed(conn, cursor, statement, *args):
        if rendering[0]:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", executed)
    before_render_template.connect(start, app)
    template_rendered.connect(end, app)
    try:
        yield seen
    finally:
        template_rendered.disconnect(end, app)
        before_render_template.disconnect(start, app)
        event.remove(db.engine, "before_cursor_execute", executed)


def test_the_entrepreneurs_dashboard_is_gathered_before_it_is_rendered(app, client, make, auth):
    shop = make.shop()
    make.sale(shop, shop.products[0])
    make.placed_order([(shop.products[1], 1)])
    make.booth_at_fair(shop, status=FairStatus.OPEN)
    auth.login(shop.user.email)
    with queries_while_rendering(app) as queries:
        page = client.get("/me")
    assert page.status_code == 200
    for panel in ("dash-products", "dash-applications", "dash-sales", "/me/orders", "/me/reports"):
        assert panel in page.text
    assert queries == []


def test_the_organisers_dashboard_is_gathered_before_it_is_rendered(app, client, make, auth):
    fair = make.fair(status=FairStatus.LIVE)
    make.application(fair, make.applicant(), status=ApplicationStatus.APPROVED)
    auth.login(make.organizer().email)
    with queries_while_rendering(app) as queries:
        page = client.get("/admin/")
    assert page.status_code == 200
    assert fair.name in page.text and f"/admin/fairs/{fair.id}/report" in page.text
    assert queries == []
