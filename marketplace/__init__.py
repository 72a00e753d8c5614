"""Mercado Retorno: the application factory."""

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides everything else (tests pass a mapping here)."""
    config = dict(config or {})
    app = Flask(
        __name__,
        instance_path=config.pop("INSTANCE_PATH", None)
        or os.environ.get("INSTANCE_PATH")
        or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from marketplace.config import load_config

    load_config(app, config)
    from marketplace.inputs import IdConverter

    app.url_map.converters["id"] = IdConverter

    from marketplace import auth, cli, errors, i18n, mail, security, storage, submissions
    from marketplace.database import configure_sqlite
    from marketplace.extensions import csrf, db, limiter, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    submissions.init_app(app)
    mail.init_app(app)
    storage.init_app(app)
    auth.init_app(app)
    cli.init_app(app)
    _import_models()
    _register_blueprints(app)
    _connect_areas()
    return app


def _import_models() -> None:
    """Every table must be known to the metadata before migrations or queries run."""
    import fairs.models  # noqa: F401
    import marketplace.audit  # noqa: F401
    import marketplace.orders.models  # noqa: F401
    import marketplace.submissions  # noqa: F401
    import vendors.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from fairs.api import bp as fairs_api_bp
    from fairs.application_routes import bp as applications_bp
    from fairs.report_routes import bp as reports_bp
    from fairs.routes import bp as fairs_bp
    from marketplace.admin import bp as admin_bp
    from marketplace.catalog.api import bp as catalog_api_bp
    from marketplace.catalog.routes import bp as catalog_bp
    from marketplace.catalog.seo import bp as seo_bp
    from marketplace.health import bp as health_bp
    from marketplace.home import bp as home_bp
    from marketplace.orders.admin_routes import bp as admin_orders_bp
    from marketplace.orders.routes import bp as orders_bp
    from marketplace.orders.vendor_routes import bp as vendor_orders_bp
    from marketplace.payments.routes import bp as payments_bp
    from vendors.admin_routes import bp as vendor_admin_bp
    from vendors.product_routes import bp as products_bp
    from vendors.routes import bp as vendors_bp
    from vendors.sales_api import bp as sales_api_bp
    from vendors.sales_routes import bp as sales_bp

    for bp in (
        health_bp,
        home_bp,
        admin_bp,
        vendors_bp,
        vendor_admin_bp,
        products_bp,
        fairs_bp,
        fairs_api_bp,
        reports_bp,
        sales_bp,
        sales_api_bp,
        catalog_bp,
        catalog_api_bp,
        seo_bp,
        applications_bp,
        orders_bp,
        vendor_orders_bp,
        admin_orders_bp,
        payments_bp,
    ):
        app.register_blueprint(bp)


def _connect_areas() -> None:
    """Hand vendors the lookups it needs from fairs, which it may not import itself."""
    from fairs.sale_locator import fair_booth_for_sale
    from vendors import ledger

    ledger.set_fair_locator(fair_booth_for_sale)
