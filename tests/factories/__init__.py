"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.core import PASSWORD, CoreFactories
from tests.factories.orders import OrderFactories


class Factories(CoreFactories, OrderFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
