"""Demo data that makes a fresh install look alive. Idempotent: looked up before created."""

from datetime import date

from fairs.demo import load_fairs, load_past_fair
from fairs.demo.applications import load_demo_applications
from marketplace.core.auth import services, two_factor
from marketplace.core.auth.models import Role
from marketplace.core.extensions import db
from marketplace.core.timeutil import local_today
from marketplace.orders.demo import load_orders
from vendors.demo import load_vendors
from vendors.demo.sales import load_demo_sales

DEMO_PASSWORD = "demo-mercado-2026"
#: The demo organiser's and administrator's authenticator key. Known to everyone who reads the
#: README, like the password: demo data only (`flask demo load` refuses in production).
DEMO_TOTP_SECRET = "MERCADORETORNODEMOMERCADORETORNO"

#: (e-mail, name, role)
DEMO_ACCOUNTS = (
    ("admin@demo.hn", "Administración", Role.ADMIN),
    ("organizadora@demo.hn", "Lucía Mejía (Cancillería)", Role.ORGANIZER),
    ("maria@demo.hn", "María Fernanda López", Role.ENTREPRENEUR),
    ("jose@demo.hn", "José Antonio Reyes", Role.ENTREPRENEUR),
    ("ana@demo.hn", "Ana Isabel Martínez", Role.ENTREPRENEUR),
)


def next_august(today: date) -> int:
    """The year of the coming August circuit (this year's until it is over)."""
    return today.year if today < date(today.year, 9, 1) else today.year + 1


def load_demo() -> list[str]:
    """Create whatever demo data is missing and return lines to print."""
    lines = []
    for email, name, role in DEMO_ACCOUNTS:
        user = services.find_user(email)
        if user is None:
            user = services.create_user(email, DEMO_PASSWORD, role, name)
            db.session.flush()
        line = f"  {role.value:<13} {email}  /  {DEMO_PASSWORD}"
        if two_factor.required(user):
            if two_factor.credential(user) is None:
                two_factor.enrol_with(user, DEMO_TOTP_SECRET)
            line += f"  /  authenticator key {two_factor.grouped(DEMO_TOTP_SECRET)}"
        lines.append(line)
    today = local_today()
    lines += load_fairs(next_august(today), today)
    lines += load_vendors(DEMO_PASSWORD)
    lines += load_past_fair(today)
    lines += load_demo_applications()
    # Last: sales need the vendors, products, fairs and applications loaded above.
    lines += load_demo_sales()
    lines += load_orders()
    db.session.commit()
    return [
        "Demo data ready. Demo accounts (e-mail / password / authenticator key for staff):",
        *lines,
        "  A staff sign-in asks for a code: add the key to an authenticator app (time-based), or",
        f"  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\"",
    ]
