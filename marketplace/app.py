"""Mercado Retorno: the application factory."""

import os

from flask import Flask

from marketplace.core.config import ROOT, load_config


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
    load_config(app, config)
    from marketplace.core.inputs import IdConverter

    app.url_map.converters["id"] = IdConverter

    from marketplace import cli
    from marketplace.core import auth, errors, i18n, mail, security, storage, submissions
    from marketplace.core.database import configure_sqlite
    from marketplace.core.extensions import csrf, db, limiter, migrate

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
    import fairs.applications.models  # noqa: F401
    import fairs.fairs.models  # noqa: F401
    import fairs.layout.models  # noqa: F401
    import marketplace.core.audit  # noqa: F401
    import marketplace.core.submissions  # noqa: F401
    import marketplace.orders.models  # noqa: F401
    import vendors.photos.models  # noqa: F401
    import vendors.products.models  # noqa: F401
    import vendors.profiles.models  # noqa: F401
    import vendors.sales.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from fairs.applications.views import bp as applications_bp
    from fairs.fairs.api import bp as fairs_api_bp
    from fairs.fairs.views import bp as fairs_bp
    from fairs.reports.views import bp as reports_bp
    from marketplace.admin.views import bp as admin_bp
    from marketplace.catalog.api import bp as catalog_api_bp
    from marketplace.catalog.home import bp as home_bp
    from marketplace.catalog.seo import bp as seo_bp
    from marketplace.catalog.views import bp as catalog_bp
    from marketplace.core.health import bp as health_bp
    from marketplace.orders.admin_views import bp as admin_orders_bp
    from marketplace.orders.vendor_views import bp as vendor_orders_bp
    from marketplace.orders.views import bp as orders_bp
    from marketplace.payments.views import bp as payments_bp
    from vendors.products.views import bp as products_bp
    from vendors.profiles.admin_views import bp as vendor_admin_bp
    from vendors.profiles.views import bp as vendors_bp
    from vendors.sales.api import bp as sales_api_bp
    from vendors.sales.views import bp as sales_bp

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
    from fairs.dayof.sale_locator import fair_booth_for_sale
    from vendors.sales import ledger

    ledger.set_fair_locator(fair_booth_for_sale)
