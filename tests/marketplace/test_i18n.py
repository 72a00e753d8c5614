"""Both languages: every string translated to Spanish, formats as Honduras writes them."""

from datetime import date, time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.frontend import parse_keywords
from flask_babel import force_locale, format_date, format_time

from marketplace.catalog.search import SEARCH_TABLE_PREFIXES
from marketplace.core.config import ROOT
from marketplace.core.database import db
from marketplace.core.i18n import format_money
from marketplace.core.translations import KEYWORDS, missing


def test_every_string_has_a_spanish_translation():
    gaps = missing("es")
    assert not gaps, (
        "Strings without Spanish translation (make missing-translations):\n"
        + "\n".join(f"  {where}: {msgid!r}" for msgid, where in sorted(gaps.items()))
    )


def test_the_check_reads_the_code_as_make_extract_translations_does():
    """A keyword only the Makefile knew would let its strings lack Spanish unnoticed."""
    makefile = (ROOT / "Makefile").read_text().splitlines()
    line = next(line for line in makefile if line.startswith("BABEL_KEYWORDS :="))
    flags = line.split()[2:]  # -k NAME -k NAME ...
    assert DEFAULT_KEYWORDS | parse_keywords(flags[1::2]) == KEYWORDS


@pytest.mark.parametrize(
    ("centavos", "text"),
    [(125000, "L 1,250.00"), (5, "L 0.05"), (0, "L 0.00"), (-2550, "-L 25.50"), (None, "")],
)
def test_lempiras_are_written_the_honduran_way(centavos, text):
    assert format_money(centavos).replace("L -", "-L ") == text


def test_dates_and_times_in_honduran_spanish(app):
    with app.test_request_context(), force_locale("es_HN"):
        assert format_date(date(2027, 8, 15), "long") == "15 de agosto de 2027"
        # Babel separates with narrow no-break spaces, as typography wants.
        assert format_time(time(15, 30), "short").replace("\u202f", " ") == "3:30 p. m."


def test_templates_translate_in_the_language_of_each_render(app):
    """Escaped in HTML, verbatim in plain-text mail, and switched by force_locale."""
    from types import SimpleNamespace

    from flask import render_template, render_template_string

    user = SimpleNamespace(name="Ana")
    vendor = SimpleNamespace(business_name="Café & <Miel>")
    html = "{{ _('Hello %(name)s,', name=vendor.business_name) }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(html, vendor=vendor) == "Hello Café &amp; &lt;Miel&gt;,"
        mail = render_template("vendors/mail/verified.txt", user=user, vendor=vendor)
        assert "Hello Ana," in mail and "verified Café & <Miel>." in mail
        with force_locale("es_HN"):
            mail = render_template("vendors/mail/verified.txt", user=user, vendor=vendor)
        assert "Hola, Ana:" in mail and "verificaron Café & <Miel>." in mail


def test_a_render_looks_its_catalogue_up_once(app, monkeypatch):
    """Templates' `_` and `ngettext` are bound to the render's catalogue: one look-up for the
    whole page instead of one per string, and the same text as Flask-Babel's own."""
    from flask import render_template_string
    from flask_babel import gettext, ngettext

    from marketplace.core import i18n

    lookups = []
    real = i18n.get_translations
    monkeypatch.setattr(i18n, "get_translations", lambda: lookups.append(1) or real())
    html = (
        "{% for n in (1, 3) %}{{ _('Catalogue') }} "
        "{{ ngettext('%(num)d booth assigned.', '%(num)d booths assigned.', n) }} {% endfor %}"
    )
    pages = {}
    for lang, locale in (("es", "es_HN"), ("en", "en")):
        lookups.clear()
        with app.test_request_context(), force_locale(locale):
            pages[lang] = render_template_string(html)
            assert pages[lang] == "".join(
                f"{gettext('Catalogue')} "
                f"{ngettext('%(num)d booth assigned.', '%(num)d booths assigned.', n)} "
                for n in (1, 3)
            )
        assert len(lookups) == 1
    assert pages == {
        "es": "Catálogo 1 puesto asignado. Catálogo 3 puestos asignados. ",
        "en": "Catalogue 1 booth assigned. Catalogue 3 booths assigned. ",
    }


def test_one_english_word_can_take_two_spanish_ones(app):
    """Where Spanish needs another word (gender, verb or noun), the string has a context."""
    from fairs.applications.services import STATUS_LABELS as APPLICATION_STATUS
    from fairs.fairs.models import FairStatus
    from fairs.fairs.services import status_labels
    from marketplace.orders.labels import ORDER_STATUS
    from vendors.profiles.services import STATUS_LABELS as VENDOR_STATUS

    with app.test_request_context(), force_locale("es_HN"):
        assert (status_labels()[FairStatus.CANCELLED], str(ORDER_STATUS["cancelled"])) == (
            "Cancelada",
            "Cancelado",
        )
        assert (str(APPLICATION_STATUS["rejected"]), str(VENDOR_STATUS["rejected"])) == (
            "Rechazada",
            "Rechazado",
        )


def test_language_switch_is_remembered(client, auth, make):
    page = client.post("/language", data={"lang": "en", "next": "/login"}, follow_redirects=True)
    assert "Sign in" in page.get_data(as_text=True)
    assert "Iniciar sesión" not in page.get_data(as_text=True)
    make.user(email="ana@example.hn")
    auth.login("ana@example.hn")
    assert "My business" in client.get("/me").get_data(as_text=True)


def test_visitors_reading_the_catalogue_get_no_cookie(client, make):
    """No session is started for reading: nothing to store, and pages stay cacheable."""
    make.listed_product(title="Miel")
    for url in ("/", "/catalog", "/catalog?q=miel"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers, url


def test_language_switch_needs_no_csrf_token(app, client, monkeypatch):
    """The footer form carries no token, so the switch works from any page, even with CSRF
    checks on; the session cookie is SameSite=Lax, so another site cannot use it on an account."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.post("/language", data={"lang": "en", "next": "/"}, follow_redirects=True)
    assert page.status_code == 200 and "Catalogue" in page.get_data(as_text=True)
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert client.post("/logout").status_code == 400  # other forms still need their token


def test_language_switch_ignores_offsite_next(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_migrations_match_the_models(app):
    """A model changed without a migration would leave production behind."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_search_table})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def _not_search_table(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and reflected and name.startswith(SEARCH_TABLE_PREFIXES))
