"""The buyers' URLs: home, catalogue, product and vendor pages, sitemap, and the read API.

The URL table of the package: views are plain functions in its modules, added here.
"""

from flask import Blueprint

from marketplace.catalog import api, home, seo, views
from marketplace.core.database import read_in_autocommit

catalog_bp = Blueprint("catalog", __name__)
catalog_bp.record_once(views._template_helpers)
catalog_bp.add_url_rule("/catalog", view_func=views.index, methods=["GET"])
catalog_bp.add_url_rule("/products/<id:product_id>", view_func=views.product, methods=["GET"])
catalog_bp.add_url_rule("/vendors/<slug>", view_func=views.vendor, methods=["GET"])

home_bp = Blueprint("home", __name__)
home_bp.add_url_rule("/", view_func=home.index, methods=["GET"])

seo_bp = Blueprint("seo", __name__)
seo_bp.add_url_rule("/robots.txt", view_func=seo.robots, methods=["GET"])
seo_bp.add_url_rule("/sitemap.xml", view_func=seo.sitemap, methods=["GET"])

catalog_api_bp = Blueprint("catalog_api", __name__, url_prefix="/api/v1")
catalog_api_bp.after_request(api._open_to_any_site)
catalog_api_bp.add_url_rule("/products", view_func=api.products, methods=["GET"])
catalog_api_bp.add_url_rule("/products/<id:product_id>", view_func=api.product, methods=["GET"])
catalog_api_bp.add_url_rule("/vendors/<slug>", view_func=api.vendor, methods=["GET"])
catalog_api_bp.add_url_rule("/categories", view_func=api.categories, methods=["GET"])
catalog_api_bp.add_url_rule("/openapi.json", view_func=api.openapi, methods=["GET"])

for _bp in (catalog_bp, home_bp, seo_bp, catalog_api_bp):
    read_in_autocommit(_bp)

#: What create_app registers.
BLUEPRINTS = (
    catalog_bp,
    home_bp,
    seo_bp,
    catalog_api_bp,
)
