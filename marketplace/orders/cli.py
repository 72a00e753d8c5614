"""`flask --app wsgi orders expire`: release reservations and online payments past their time.

Run it from cron every few minutes (the README's "Deploying" shows the line): browsing never
releases anything; only an order's own page also releases that order when its time has passed.
"""

import click

from marketplace.core.extensions import db
from marketplace.orders import paying, services
from marketplace.payments import get_provider


@click.command("expire")
def expire_command():
    """Release reservations and online payments past their time."""
    released = services.expire_reservations()
    released += paying.expire_online_payments(get_provider())
    db.session.commit()
    click.echo(f"Released {released} order(s).")
