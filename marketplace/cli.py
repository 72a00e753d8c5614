"""Command-line tools: `flask --app wsgi users create ...`, `flask --app wsgi demo load`."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.core.auth import services
from marketplace.core.auth.models import Role
from marketplace.core.errors import Refused
from marketplace.core.extensions import db
from marketplace.core.passwords import too_guessable

users_cli = AppGroup("users", help="Manage accounts.")
demo_cli = AppGroup("demo", help="Demo data.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ORGANIZER.value)
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, name: str, password_stdin: bool):
    """Create an account. The password is asked for, or read from stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not 8 <= len(password) <= 128:
        raise click.ClickException("The password must be between 8 and 128 characters long.")
    if too_guessable(password, (name, email)):
        raise click.ClickException(
            "This password is too easy to guess (a very common one, or close to the name or"
            " e-mail). Try three or four words, with spaces or dashes."
        )
    try:
        user = services.create_user(email, password, Role(role), name)
    except Refused as e:
        raise click.ClickException(str(e)) from e
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


@demo_cli.command("load")
@click.option(
    "--scale", type=click.IntRange(min=0), default=0, help="Also generate N products (speed tests)."
)
def demo_load_command(scale: int):
    """Load demo data (safe to run again: nothing is duplicated)."""
    if current_app.config["APP_ENV"] == "production":
        # Its accounts have published passwords and authenticator keys.
        raise click.ClickException("Demo data is not loaded in production (APP_ENV=production).")
    from marketplace.catalog.scale import load_scale
    from marketplace.demo import load_demo

    for line in load_demo():
        click.echo(line)
    if scale:
        for line in load_scale(scale):
            click.echo(line)


def init_app(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
