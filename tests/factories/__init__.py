"""Factory functions that build real, committed rows for tests, one mixin per area."""

from tests.factories.applications import ApplicationFactories
from tests.factories.core import PASSWORD, CoreFactories
from tests.factories.fairs import FairFactories


class Factories(FairFactories, CoreFactories, ApplicationFactories):
    pass


__all__ = ["Factories", "PASSWORD"]
