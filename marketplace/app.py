"""Mercado Retorno: the application factory, the only module that knows every package."""

import os

from flask import Flask

# Every table must be known to the metadata before migrations or queries run.
import fairs.applications.models  # noqa: F401
import fairs.fairs.models  # noqa: F401
import fairs.layout.models  # noqa: F401
import marketplace.core.audit  # noqa: F401
import marketplace.core.auth.passkeys.models  # noqa: F401
import marketplace.core.submissions  # noqa: F401
import marketplace.orders.models  # noqa: F401
import vendors.photos.models  # noqa: F401
import vendors.products.models  # noqa: F401
import vendors.profiles.models  # noqa: F401
import vendors.sales.models  # noqa: F401
from fairs.applications.blueprint import BLUEPRINTS as applications
from fairs.dayof import sale_locator
from fairs.dayof.blueprint import BLUEPRINTS as dayof
from fairs.fairs.blueprint import BLUEPRINTS as fairs
from fairs.layout.blueprint import BLUEPRINTS as layout
from fairs.reports.blueprint import BLUEPRINTS as reports
from marketplace import cli
from marketplace.admin.blueprint import BLUEPRINTS as admin
from marketplace.catalog.blueprint import BLUEPRINTS as catalog
from marketplace.core import auth, errors, i18n, mail, security, storage, submissions
from marketplace.core.auth.blueprint import BLUEPRINTS as accounts
from marketplace.core.config import ROOT, load_config
from marketplace.core.database import configure_sqlite
from marketplace.core.extensions import csrf, db, limiter, migrate
from marketplace.core.health import bp as health
from marketplace.core.inputs import IdConverter
from marketplace.orders.blueprint import BLUEPRINTS as orders
from vendors.products.blueprint import BLUEPRINTS as products
from vendors.profiles.blueprint import BLUEPRINTS as profiles
from vendors.sales.blueprint import BLUEPRINTS as sales

#: Every package's URL table, lower layers first (their template helpers are set up first).
BLUEPRINTS = (
    *accounts,
    health,
    *profiles,
    *products,
    *sales,
    *fairs,
    *layout,
    *dayof,
    *applications,
    *reports,
    *catalog,
    *orders,
    *admin,
)


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
    app.url_map.converters["id"] = IdConverter

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
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    # Lookups a lower layer asks of a higher one, through app.extensions.
    sale_locator.init_app(app)
    return app
