"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.core import PASSWORD, CoreFactories
from tests.factories.sales import SalesFactories


class Factories(CoreFactories, SalesFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
