"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.core import PASSWORD, CoreFactories
from tests.factories.products import ProductFactories


class Factories(ProductFactories, CoreFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
