"""How long a fair's sales report takes over many sales, against a plain count of the table.

    python bench/reports.py            # 200 000 sales
    python bench/reports.py --quick    # 20 000 sales

Runs on DATABASE_URL (a temporary SQLite file when unset). On PostgreSQL it builds its data in a
fresh schema, on SQLite in a fresh file, and removes it afterwards. All sales belong to the one
fair being reported, the worst case. The floor is `SELECT count(*) FROM sales` over the same
table. SQLite answers that count from the page headers of its smallest index without reading a
single row, so a second reference is printed beside it: `SELECT sum(total) FROM sales`, one plain
pass over every row. The last line printed is one JSON object with the figures.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from marketplace.app import create_app  # noqa: E402
from marketplace.core.config import normalise_database_url  # noqa: E402
from marketplace.core.extensions import db  # noqa: E402

VENDORS = 300
BATCH = 10_000
REPEATS = 5
CATEGORIES = ("food", "coffee_cacao", "crafts", "textiles", "leather", "jewellery", "beauty")
DEPARTMENTS = ("Atlántida", "Cortés", "Francisco Morazán", "Yoro", "Olancho", "Copán")
METHODS = ("cash", "cash", "cash", "card", "transfer", "online", "other")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 000 sales instead of 200 000")
    parser.add_argument("--rows", type=int, help="number of sales (overrides --quick)")
    args = parser.parse_args()
    rows = args.rows or (20_000 if args.quick else 200_000)
    with scratch_database() as (url, engine_options, scratch_dir):
        result = run(url, engine_options, scratch_dir, rows)
    print(json.dumps(result))


class scratch_database:  # noqa: N801 (used as a context manager)
    """A fresh PostgreSQL schema or SQLite file, removed on exit."""

    def __enter__(self):
        url = os.environ.get("DATABASE_URL")
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-reports-")
        if not url or url.startswith("sqlite"):
            self.url, self.schema = f"sqlite:///{self.tmp.name}/bench.db", None
            return self.url, {}, self.tmp.name
        self.url = normalise_database_url(url)
        self.schema = f"bench_reports_{os.getpid()}"
        engine = create_engine(self.url)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {self.schema}"))
        engine.dispose()
        options = {"connect_args": {"options": f"-csearch_path={self.schema}"}}
        return self.url, options, self.tmp.name

    def __exit__(self, *exc):
        if self.schema:
            engine = create_engine(self.url)
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {self.schema} CASCADE"))
            engine.dispose()
        self.tmp.cleanup()


def run(url: str, engine_options: dict, scratch_dir: str, rows: int) -> dict:
    app = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": f"{scratch_dir}/instance",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **engine_options},
        }
    )
    with app.app_context():
        upgrade()
        dialect = db.engine.dialect.name
        print(f"database: {dialect}; building {rows:,} sales for {VENDORS} vendors ...")
        started = time.perf_counter()
        fair_id = build_data(rows)
        print(f"built in {time.perf_counter() - started:.1f} s")
        count_seconds = best_of(count_sales)
        scan_seconds = best_of(sum_sales)
        from fairs.reports.fair_sales import fair_report

        report_seconds = best_of(lambda: fair_report(fair_id))
        report = fair_report(fair_id)
        db.session.remove()
        db.engine.dispose()
    ratio = report_seconds / count_seconds if count_seconds else None
    scan_ratio = report_seconds / scan_seconds if scan_seconds else None
    print(f"SELECT count(*) over sales:   {count_seconds * 1000:8.1f} ms (best of {REPEATS})")
    print(f"SELECT sum(total) over sales: {scan_seconds * 1000:8.1f} ms")
    print(f"fair report:                  {report_seconds * 1000:8.1f} ms")
    print(f"ratio report / count:         {ratio:8.1f}x  (target: within 10x)")
    print(f"ratio report / sum:           {scan_ratio:8.1f}x")
    print(f"report: {report.sales:,} sales, L {report.total / 100:,.2f}, {report.vendors} vendors")
    return {
        "bench": "reports",
        "rows": rows,
        "report_seconds": round(report_seconds, 4),
        "count_seconds": round(count_seconds, 4),
        "ratio": round(ratio, 2) if ratio else None,
        "scan_seconds": round(scan_seconds, 4),
        "scan_ratio": round(scan_ratio, 2) if scan_ratio else None,
    }


def build_data(rows: int) -> int:
    """One fair, VENDORS vendors and `rows` sales (1 in 20 voided), inserted in batches."""
    from fairs.fairs.models import Fair
    from vendors.profiles.models import VendorProfile
    from vendors.sales.models import Sale

    rng = random.Random(2026)
    fair = Fair(
        slug="bench",
        name="Feria de prueba",
        city="Tegucigalpa",
        department="Francisco Morazán",
        venue="Parque Central",
        starts_on=datetime(2026, 8, 15).date(),
        ends_on=datetime(2026, 8, 15).date(),
        status="live",
    )
    db.session.add(fair)
    db.session.flush()
    vendors = [
        {
            "slug": f"bench-{i}",
            "business_name": f"Emprendimiento {i}",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "department": DEPARTMENTS[i % len(DEPARTMENTS)],
            "status": "verified",
        }
        for i in range(VENDORS)
    ]
    db.session.execute(insert(VendorProfile), vendors)
    vendor_ids = list(db.session.scalars(db.select(VendorProfile.id)))
    opening = datetime(2026, 8, 15, 15, 0, tzinfo=UTC)  # 09:00 in Tegucigalpa
    for start in range(0, rows, BATCH):
        batch = []
        for n in range(start, min(start + BATCH, rows)):
            quantity, price = rng.randint(1, 4), rng.randint(20, 900) * 100
            batch.append(
                {
                    "vendor_id": rng.choice(vendor_ids),
                    "description": f"Producto {n % 50}",
                    "quantity": quantity,
                    "unit_price": price,
                    "total": quantity * price,
                    "payment_method": rng.choice(METHODS),
                    "fair_id": fair.id,
                    "client_key": f"bench-{n}",
                    "recorded_at": opening + timedelta(seconds=rng.randint(0, 8 * 3600)),
                    "voided_at": opening if n % 20 == 0 else None,
                }
            )
        db.session.execute(insert(Sale), batch)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE sales"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return fair.id


def count_sales() -> int:
    return db.session.execute(text("SELECT count(*) FROM sales")).scalar_one()


def sum_sales() -> int:
    return db.session.execute(text("SELECT sum(total) FROM sales")).scalar_one()


def best_of(fn) -> float:
    """The fastest of a few runs, each in its own transaction (as a page request would be)."""
    fn()  # warm the caches once
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        db.session.rollback()
    return min(times)


if __name__ == "__main__":
    main()
