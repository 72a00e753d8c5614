"""Local (Tegucigalpa) time inside SQL and as UTC bounds for queries.

Honduras keeps UTC−6 all year (no daylight saving), so a fixed shift is exact. Timestamps are
stored as naive UTC on both databases; the expressions below shift them before taking the hour.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from marketplace.core.timeutil import LOCAL_TZ

UTC_OFFSET_HOURS = -6


class local_hour(FunctionElement):  # noqa: N801 (reads like the SQL function it stands for)
    """The hour of the day (0–23) in Tegucigalpa of a stored UTC timestamp column."""

    type = Integer()
    inherit_cache = True
    name = "local_hour"


@compiles(local_hour, "sqlite")
def _local_hour_sqlite(element, compiler, **kw):
    (column,) = element.clauses
    shift = f"'{UTC_OFFSET_HOURS} hours'"
    return f"CAST(strftime('%H', {compiler.process(column, **kw)}, {shift}) AS INTEGER)"


@compiles(local_hour)
def _local_hour_default(element, compiler, **kw):
    # PostgreSQL: date_part gives a double, cheaper over many rows than EXTRACT's numeric.
    (column,) = element.clauses
    shift = f"INTERVAL '{-UTC_OFFSET_HOURS} hours'"
    return f"CAST(date_part('hour', {compiler.process(column, **kw)} - {shift}) AS INTEGER)"


def utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC covering the local days first..last inclusive."""
    start = datetime.combine(first, time(0), LOCAL_TZ).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), LOCAL_TZ).astimezone(UTC)
    return start, end
