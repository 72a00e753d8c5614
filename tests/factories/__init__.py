"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.applications import ApplicationFactories
from tests.factories.core import PASSWORD, CoreFactories


class Factories(CoreFactories, ApplicationFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
