"""Language, time zone and money formatting.

Spanish (Honduras) is the default; English is the second language. The language comes from the
signed-in user's setting, then the footer switch (kept in the session), then Accept-Language.
"""

from flask import Blueprint, has_request_context, redirect, request, session
from flask_babel import format_date, format_datetime, format_time, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from marketplace.core.config import ROOT
from marketplace.core.extensions import babel, csrf, db
from marketplace.core.security import safe_next_url

# Babel locales: es_HN gives Honduran date and time formats ("3:30 p. m."), falling back to es.
LOCALES = {"es": "es_HN", "en": "en"}
TRANSLATION_ROOT = ROOT / "i18n"

bp = Blueprint("i18n", __name__)


def init_app(app) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATION_ROOT)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: None)
    bind_template_translations(app)
    app.jinja_env.filters.update(
        money=format_money,
        date=format_date,
        datetime=format_datetime,
        time=format_time,
    )
    app.jinja_env.globals.update(
        current_language=current_language, LANGUAGE_NAMES={"es": "Español", "en": "English"}
    )
    app.register_blueprint(bp)


def bind_template_translations(app) -> None:
    """Each render's `_`, `gettext` and `ngettext`, bound to the catalogue of that render.

    Flask-Babel's own find the catalogue again for every string, through the request context,
    and a page has dozens of strings: bench/i18n.py measures this at about 15% of a catalogue
    page. Macros imported without context do not see the render's context and fall back to
    Flask-Babel's, which give the same text; so do `pgettext` and `npgettext`, rarely used."""
    app.context_processor(lambda: _template_callables(get_translations()))


def _template_callables(translations) -> dict:
    """As Jinja's newstyle gettext: escaped in HTML templates, always %-formatted."""

    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        rv = translations.ugettext(string)
        return (Markup(rv) if eval_ctx.autoescape else rv) % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        rv = translations.ungettext(singular, plural, num)
        return (Markup(rv) if eval_ctx.autoescape else rv) % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def select_locale() -> str:
    return LOCALES[current_language()]


def current_language() -> str:
    """The two-letter language of this request: 'es' or 'en'."""
    if not has_request_context():
        return "es"
    for lang in (getattr(current_user, "locale", None), session.get("lang")):
        if lang in LOCALES:
            return lang
    return request.accept_languages.best_match(list(LOCALES)) or "es"


def format_money(centavos: int | None, currency: bool = True) -> str:
    """Integer centavos as Honduras writes lempiras: `L 1,250.00` (the same in both languages)."""
    if centavos is None:
        return ""
    sign = "-" if centavos < 0 else ""
    whole, cents = divmod(abs(int(centavos)), 100)
    text = f"{sign}{whole:,}.{cents:02d}"
    return f"L {text}" if currency else text


@bp.post("/language")
@csrf.exempt
def switch_language():
    """The footer switch: remembered in the session, and on the account when signed in.

    Without a CSRF token, so that pages read by visitors need no session at all (no cookie, no
    token to sign on every page). A forged cross-site form could at worst change a visitor's
    language: the session cookie is SameSite=Lax, so it never reaches an account."""
    lang = request.form.get("lang", "")
    if lang in LOCALES:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or "/")
