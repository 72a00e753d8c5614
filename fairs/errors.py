"""The one exception fair services raise for anything a person should fix."""


class FairError(Exception):
    """A rule was broken; `message` is for the person, `field` names the form field if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
