"""localstripe, imported quietly: it registers plain-function routes that aiohttp now warns
about, and the test suite turns warnings into errors."""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from localstripe import resources
    from localstripe.server import app, unflatten_data

# localstripe pickles its store to /tmp after every write; the tests keep it in memory.
resources.store.dump_to_disk = lambda: None

__all__ = ["app", "unflatten_data"]
