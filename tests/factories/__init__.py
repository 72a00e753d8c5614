"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.core import PASSWORD, CoreFactories
from tests.factories.reports import ReportFactories


class Factories(CoreFactories, ReportFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
