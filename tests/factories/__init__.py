"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.catalog import CatalogFactories
from tests.factories.core import PASSWORD, CoreFactories


class Factories(CoreFactories, CatalogFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
