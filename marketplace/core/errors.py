"""Friendly error pages in the user's language, JSON errors under /api/, and `Refused`: the one
exception every service raises for something a person asked for that cannot be done."""

import logging
from urllib.parse import urlsplit

from flask import flash, jsonify, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class Refused(Exception):
    """A request that breaks a rule or lost a race; `message` is for the person, in their language.

    Services raise it and change nothing more; the handler below rolls the transaction back and
    answers: JSON `{"error": {code, message}}` under /api/, otherwise the page the form was sent
    from with the message shown (an error page when there is no such page). Views that show the
    message next to a form field catch it themselves (`field` names the field).
    """

    def __init__(
        self, message: str, *, code: str = "refused", status: int = 409, field: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.field = field

    def __str__(self) -> str:
        return self.message


def messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please check what you sent and try again."),
        403: _("You do not have permission to see this page."),
        404: _("We could not find this page. It may have moved or been removed."),
        405: _("This action is not allowed here."),
        409: _("This conflicts with something that already exists."),
        413: _("The file is too large. Photos can be up to 15 MB."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("Something went wrong on our side. Please try again in a moment."),
        503: _("The service is not available right now. Please try again in a moment."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/payments/")


def error_response(status: int, message: str | None = None, code: str | None = None):
    message = message or messages().get(status) or messages()[400]
    if wants_json():
        body = {"error": {"code": code or _status_code_name(status), "message": message}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def _status_code_name(status: int) -> str:
    return {
        400: "bad_request",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "rate_limited",
        500: "server_error",
        503: "unavailable",
    }.get(status, "error")


def _same_site_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host:
        return None
    return referrer


def refusal_response(e: Refused):
    from marketplace.core.database import db

    db.session.rollback()
    if wants_json():
        return error_response(e.status, e.message, e.code)
    back = _same_site_referrer() if request.method == "POST" else None
    if back:
        flash(e.message, "error")
        return redirect(back, 303)
    return error_response(e.status, e.message, e.code)


def init_app(app) -> None:
    app.register_error_handler(Refused, refusal_response)

    @app.errorhandler(CSRFError)
    def _csrf(_e):
        return error_response(
            400,
            _(
                "This form has expired or was sent from elsewhere. Please reload the page and try again."
            ),
            "csrf_failed",
        )

    @app.errorhandler(HTTPException)
    def _http(e):
        if e.response is not None:  # a page made for this case, e.g. a rate limit's own answer
            return e.response
        response, status = error_response(e.code or 500)
        # Keep what the exception says about itself, e.g. `Allow` on a 405 (RFC 9110).
        response = make_response(response, status)
        for name, value in e.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(e):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
