"""Fair day and the paper around it: check-in, no-shows, and printable sheets."""

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fairs.dayof import services
from fairs.fairs import queries
from fairs.fairs.access import load_application, load_fair
from fairs.fairs.links import qr_svg, vendor_url
from fairs.fairs.models import Fair
from fairs.layout.booth_map import render_booth_map
from marketplace.core import submissions
from marketplace.core.auth.access import staff_required
from marketplace.core.errors import Refused
from marketplace.core.extensions import db

MAX_QUERY = 80


@staff_required
def admin_checkin(fair_id: int):
    return _checkin_page(load_fair(fair_id))


@staff_required
def admin_check_in(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    claim = submissions.claim("check_in")
    undo = request.form.get("action") == "undo"
    try:
        if undo:
            services.undo_check_in(current_user, application)
        else:
            services.check_in(current_user, application)
    except Refused as e:
        # Shown above the list: the organiser is looking for the next name, not a form.
        db.session.rollback()
        return _checkin_page(fair, error=e.message, status=422)
    name = application.vendor.business_name
    response = submissions.done(
        claim,
        url_for("dayof.admin_checkin", fair_id=fair.id, q=_query() or None),
        _("%(name)s is no longer marked present.", name=name)
        if undo
        else _("%(name)s is marked present.", name=name),
    )
    db.session.commit()
    return response


@staff_required
def admin_free_booth(fair_id: int, application_id: int):
    fair = load_fair(fair_id)
    application = load_application(fair, application_id)
    claim = submissions.claim("release_booth")
    try:
        code = services.free_booth(current_user, application)
    except Refused as e:
        db.session.rollback()
        return _checkin_page(fair, error=e.message, status=422)
    response = submissions.done(
        claim,
        url_for("dayof.admin_checkin", fair_id=fair.id),
        _("Booth %(code)s is free. You can give it to a vendor on the waitlist.", code=code),
    )
    db.session.commit()
    return response


def _query() -> str:
    return " ".join(request.values.get("q", "").split())[:MAX_QUERY]


def _checkin_page(fair: Fair, error: str | None = None, status: int = 200):
    rows = queries.by_business_name(queries.occupied_booths(fair.id))
    q = _query()
    no_shows = [r for r in rows if r[1].checked_in_at is None] if services.has_opened(fair) else []
    return render_template(
        "fairs/admin/checkin.html",
        fair=fair,
        rows=queries.search_occupied(rows, q),
        total=len(rows),
        present=sum(1 for r in rows if r[1].checked_in_at is not None),
        no_shows=no_shows,
        q=q,
        error=error,
        assignment_url=f"{request.script_root}/admin/fairs/{fair.id}/applications",
    ), status


@staff_required
def admin_print_map(fair_id: int):
    fair = load_fair(fair_id)
    booth_map = render_booth_map(fair.booths, queries.occupants_for_fair(fair.id), title=fair.name)
    return render_template("fairs/print/map.html", fair=fair, booth_map=booth_map)


@staff_required
def admin_print_vendors(fair_id: int):
    fair = load_fair(fair_id)
    rows = queries.by_business_name(queries.occupied_booths(fair.id))
    return render_template("fairs/print/vendors.html", fair=fair, rows=rows)


@staff_required
def admin_print_qr(fair_id: int):
    fair = load_fair(fair_id)
    cards = [
        (booth, vendor, qr_svg(vendor_url(vendor.slug, external=True)))
        for booth, _application, vendor in queries.occupied_booths(fair.id)
    ]
    return render_template("fairs/print/qr.html", fair=fair, cards=cards)
