"""The ministry's impact report across fairs and a date range.

Counts and per-entrepreneur income come from aggregate SQL: one row per participating
entrepreneur (their income summed in the database), from which the median is taken here.
Gender and age range appear only in groups of at least five people; smaller groups are merged
so that no figure can single anyone out, not even by subtracting one row from the total.
"""

import statistics
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, union

from fairs.applications.models import Application, ApplicationStatus
from fairs.fairs.models import Fair
from marketplace.core.exports import Table
from marketplace.core.extensions import db
from marketplace.core.sqltime import utc_bounds
from vendors.profiles.models import VendorProfile, VendorStatus
from vendors.sales.models import Sale
from vendors.sales.report import counted_sales

#: The smallest group of people whose figures a report may show.
MIN_GROUP = 5

GENDER_LABELS = {"woman": _l("Women"), "man": _l("Men"), "other": _l("Another identity")}
AGE_LABELS = {"55+": _l("55 or older")}


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    fair_id: int | None = None


@dataclass(frozen=True)
class Group:
    """People sharing one trait; figures are None when the group is too small to show."""

    label: str
    people: int | None
    total: int | None
    median: int | None


@dataclass(frozen=True)
class ImpactReport:
    registered: int
    verified: int
    participating: int
    total_income: int
    median_income: int | None
    by_department: list[Group]
    by_gender: list[Group]
    by_age: list[Group]


def impact_report(period: Period) -> ImpactReport:
    registered, verified = _registrations(period)
    people = _participants(period)  # (department, gender, age_range, income) per person
    incomes = [income for *_traits, income in people]
    return ImpactReport(
        registered=registered,
        verified=verified,
        participating=len(people),
        total_income=sum(incomes),
        median_income=median(incomes),
        by_department=_department_groups(people),
        by_gender=protected_groups(_split(people, 1, GENDER_LABELS)),
        by_age=protected_groups(_split(people, 2, AGE_LABELS)),
    )


def median(values: list[int]) -> int | None:
    """The middle income in centavos (rounded), None for nobody."""
    return round(statistics.median(values)) if values else None


def _registrations(period: Period) -> tuple[int, int]:
    start, end = utc_bounds(period.start, period.end)
    verified = case((VendorProfile.status == VendorStatus.VERIFIED.value, 1), else_=0)
    registered, verified_count = db.session.execute(
        db.select(func.count(VendorProfile.id), func.coalesce(func.sum(verified), 0)).where(
            VendorProfile.created_at >= start, VendorProfile.created_at < end
        )
    ).one()
    return int(registered), int(verified_count)


def _participants(period: Period) -> list[tuple]:
    """Everyone with an approved place at a fair held in the period or a sale in it."""
    start, end = utc_bounds(period.start, period.end)
    income = (
        db.select(Sale.vendor_id.label("vendor_id"), func.sum(Sale.total).label("income"))
        .where(counted_sales(), Sale.recorded_at >= start, Sale.recorded_at < end)
        .group_by(Sale.vendor_id)
    )
    approved = (
        db.select(Application.vendor_id)
        .join(Fair, Application.fair_id == Fair.id)
        .where(Application.status == ApplicationStatus.APPROVED.value)
        .where(Fair.starts_on <= period.end, Fair.ends_on >= period.start)
    )
    if period.fair_id is not None:
        income = income.where(Sale.fair_id == period.fair_id)
        approved = approved.where(Application.fair_id == period.fair_id)
    income = income.subquery()
    who = union(db.select(income.c.vendor_id), approved).subquery()
    stmt = (
        db.select(
            VendorProfile.department,
            VendorProfile.gender,
            VendorProfile.age_range,
            func.coalesce(income.c.income, 0),
        )
        .join(who, who.c.vendor_id == VendorProfile.id)
        .outerjoin(income, income.c.vendor_id == VendorProfile.id)
    )
    return [(d, g, a, int(i)) for d, g, a, i in db.session.execute(stmt)]


def _split(people, trait: int, labels) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for row in people:
        key = row[trait]
        label = str(labels.get(key, key)) if key else _("Not stated")
        groups.setdefault(label, []).append(row[3])
    return groups


def _department_groups(people) -> list[Group]:
    """Every department's head count; money only where five or more people share it."""
    groups = _split(people, 0, {})
    return [
        _group(label, incomes)
        if len(incomes) >= MIN_GROUP
        else Group(label, len(incomes), None, None)
        for label, incomes in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def protected_groups(groups: dict[str, list[int]]) -> list[Group]:
    """Groups of five or more as they are; the rest merged into one "other" group.

    If that merged group is itself smaller than five, the next smallest groups join it until it
    is not, so no small group can be worked out by subtracting the others from the total.
    """
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    shown = [(label, incomes) for label, incomes in ordered if len(incomes) >= MIN_GROUP]
    merged = [i for _label, incomes in ordered if len(incomes) < MIN_GROUP for i in incomes]
    while merged and len(merged) < MIN_GROUP and shown:
        merged += shown.pop()[1]
    result = [_group(label, incomes) for label, incomes in shown]
    if len(merged) >= MIN_GROUP:
        result.append(_group(_("Other (small groups combined to protect privacy)"), merged))
    elif merged:
        result.append(Group(_("Fewer than 5 people"), None, None, None))
    return result


def _group(label: str, incomes: list[int]) -> Group:
    return Group(label, len(incomes), sum(incomes), median(incomes))


def impact_tables(report: ImpactReport) -> dict[str, Table]:
    tables = {
        "departments": (_("Participants by department"), _("Department"), report.by_department),
        "gender": (_("Participants by gender"), _("Gender"), report.by_gender),
        "age": (_("Participants by age range"), _("Age range"), report.by_age),
    }
    headers = (_("People"), _("Total income (L)"), _("Median income (L)"))
    return {
        name: Table(title, (first, *headers), _group_rows(groups), (2, 3))
        for name, (title, first, groups) in tables.items()
    }


def _group_rows(groups: list[Group]):
    hidden = _("fewer than 5")
    return [(g.label, hidden if g.people is None else g.people, g.total, g.median) for g in groups]


def parse_period(args, today: date) -> tuple[Period, list[str]]:
    """The period asked for in the query string, or this year so far, with what was wrong."""
    errors: list[str] = []
    default = Period(date(today.year, 1, 1), today)
    start = _parse_date(args.get("start", ""), default.start, errors)
    end = _parse_date(args.get("end", ""), default.end, errors)
    if start > end:
        errors.append(
            _("The start date is after the end date, so this report shows this year so far.")
        )
        start, end = default.start, default.end
    fair_id = None
    raw_fair = args.get("fair", "").strip()
    if raw_fair.isdigit():
        fair_id = int(raw_fair)
    elif raw_fair:
        errors.append(_("Please choose a fair from the list. This report shows every fair."))
    return Period(start, end, fair_id), errors


def _parse_date(raw: str, default: date, errors: list[str]) -> date:
    raw = raw.strip()
    if not raw:
        return default
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not 2000 <= value.year <= 2100:
        errors.append(
            _(
                "“%(value)s” is not a date we can use; write it like 2026-08-15. The report uses %(default)s instead.",
                value=raw[:20],
                default=default.isoformat(),
            )
        )
        return default
    return value
