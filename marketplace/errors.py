"""Friendly error pages in the user's language, and JSON errors under /api/."""

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


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


def init_app(app) -> None:
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
        return error_response(e.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(e):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(InternalServerError.code)
