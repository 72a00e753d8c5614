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
    _connect_areas(app)
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
    """Every package's URL table, lower layers first (their template helpers are set up first)."""
    from fairs.applications.blueprint import BLUEPRINTS as applications
    from fairs.dayof.blueprint import BLUEPRINTS as dayof
    from fairs.fairs.blueprint import BLUEPRINTS as fairs
    from fairs.layout.blueprint import BLUEPRINTS as layout
    from fairs.reports.blueprint import BLUEPRINTS as reports
    from marketplace.admin.blueprint import BLUEPRINTS as admin
    from marketplace.catalog.blueprint import BLUEPRINTS as catalog
    from marketplace.core.auth.blueprint import BLUEPRINTS as auth
    from marketplace.core.health import bp as health
    from marketplace.orders.blueprint import BLUEPRINTS as orders
    from marketplace.payments.blueprint import BLUEPRINTS as payments
    from vendors.products.blueprint import BLUEPRINTS as products
    from vendors.profiles.blueprint import BLUEPRINTS as profiles
    from vendors.sales.blueprint import BLUEPRINTS as sales

    packages = (auth, (health,), profiles, products, sales, fairs, layout, dayof, applications)
    for bp in sum(packages + (reports, catalog, orders, payments, admin), ()):
        app.register_blueprint(bp)


def _connect_areas(app: Flask) -> None:
    """Lookups a lower layer asks of a higher one, through app.extensions."""
    from fairs.dayof import sale_locator

    sale_locator.init_app(app)
