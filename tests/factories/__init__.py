"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.applications import ApplicationFactories
from tests.factories.catalog import CatalogFactories
from tests.factories.core import PASSWORD, TOTP_SECRET, CoreFactories
from tests.factories.fairs import FairFactories
from tests.factories.orders import OrderFactories
from tests.factories.products import ProductFactories
from tests.factories.reports import ReportFactories
from tests.factories.sales import SalesFactories
from tests.factories.vendors import VendorFactories


class Factories(
    CoreFactories,
    CatalogFactories,
    VendorFactories,
    ProductFactories,
    FairFactories,
    ApplicationFactories,
    ReportFactories,
    SalesFactories,
    OrderFactories,
):
    pass


__all__ = ["Factories", "PASSWORD", "TOTP_SECRET"]
