"""Server-side sign-in sessions: one row per signed-in browser, and all its cookies carry.

Flask-Login keeps the value of `User.get_id()` in the session cookie and, with "keep me signed
in", in the remember cookie. Here that value is a random key made at sign-in; the row keeps only
its SHA-256, so a copy of the table signs nobody in. Ending a session deletes its row, which
makes both cookies worthless wherever they were copied to.

A row also keeps what the person needs to recognise it on their account page: a coarse device
("Chrome", "Android") and the /24 (IPv4) or /48 (IPv6) network it signed in from — never the
exact address, on purpose.
"""

import hashlib
import ipaddress
import re
import secrets
from datetime import timedelta

import click
from flask import abort, current_app, request
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from ua_parser import parse as parse_user_agent

from marketplace.core.auth.models import User, UserSession, utcnow
from marketplace.core.database import db, write_aside
from marketplace.core.errors import Refused

#: What secrets.token_urlsafe(32) makes; anything else in a cookie is not worth a query.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
#: The User-Agent parser's words that say nothing a person would use to tell devices apart.
_NOISE = re.compile(r"\s*\bMobile\b\s*")


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def begin(user: User, remember: bool) -> UserSession:
    """A new session for the person signing in on this request; the caller commits."""
    key = secrets.token_urlsafe(32)
    browser, system = describe_device(request.headers.get("User-Agent", ""))
    now = utcnow()
    row = UserSession(
        user_id=user.id,
        key_hash=_hash(key),
        remember=remember,
        browser=browser,
        system=system,
        network=coarse_network(request.remote_addr),
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(row)
    db.session.flush()
    user.session_key, user.current_session = key, row
    return row


def load(key) -> User | None:
    """The person a cookie's key belongs to, or None if the session ended, expired or never was."""
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        return None
    row = db.session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.key_hash == _hash(key))
    )
    now = utcnow()
    if row is None or not row.user.is_active or _expired(row, now):
        return None
    if now - row.last_seen_at >= timedelta(seconds=current_app.config["SESSION_TOUCH_INTERVAL"]):
        _touch(row, now)
    user = row.user
    user.session_key, user.current_session = key, row
    return user


def _limits(remember: bool) -> tuple[timedelta, timedelta]:
    """(idle time, lifetime) of a session."""
    cfg = current_app.config
    if remember:
        idle, lifetime = cfg["REMEMBER_IDLE_TIMEOUT"], cfg["REMEMBER_COOKIE_DURATION"]
    else:
        idle, lifetime = cfg["SESSION_IDLE_TIMEOUT"], cfg["SESSION_LIFETIME"]
    return tuple(v if isinstance(v, timedelta) else timedelta(seconds=v) for v in (idle, lifetime))


def _expired(row: UserSession, now) -> bool:
    idle, lifetime = _limits(row.remember)
    return now - row.last_seen_at > idle or now - row.created_at > lifetime


def _expired_clause(now):
    def ends(remember: bool):
        idle, lifetime = _limits(remember)
        return and_(
            UserSession.remember.is_(remember),
            or_(UserSession.last_seen_at < now - idle, UserSession.created_at < now - lifetime),
        )

    return or_(ends(False), ends(True))


def _touch(row: UserSession, now) -> None:
    """Move "last seen" forward; of requests arriving together, the first one does."""
    interval = timedelta(seconds=current_app.config["SESSION_TOUCH_INTERVAL"])
    write_aside(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.last_seen_at <= now - interval)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(row, "last_seen_at", now)


def describe_device(user_agent: str) -> tuple[str | None, str | None]:
    """("Chrome", "Android") and the like; None for what the header does not tell."""
    result = parse_user_agent(user_agent[:512])

    def coarse(family: str | None) -> str | None:
        family = _NOISE.sub(" ", family or "").strip()
        return family[:40] if family and family != "Other" else None

    return (
        coarse(result.user_agent.family if result.user_agent else None),
        coarse(result.os.family if result.os else None),
    )


def coarse_network(address: str | None) -> str | None:
    """The /24 of an IPv4 address or the /48 of an IPv6 one, as "190.53.12.0/24"."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def device_label(row: UserSession) -> str:
    if row.browser and row.system:
        return _("%(browser)s on %(system)s", browser=row.browser, system=row.system)
    return row.browser or row.system or _("Unknown device")


def active_sessions(user: User) -> list[UserSession]:
    """The person's sessions that still sign them in, most recently used first."""
    now = utcnow()
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [row for row in rows if not _expired(row, now)]


def end_current(user: User) -> bool:
    """Sign-out: delete this request's session; False if it had already ended."""
    row = user.current_session
    if row is None:
        return False
    return _delete(UserSession.id == row.id) == 1


def _lock_own_session(user: User) -> None:
    """Serialise a person's session changes on their account row, then check that the session
    asking is still there: of two devices ending each other at once, one wins and the other
    hears that it was signed out, instead of both being signed out."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    mine = user.current_session.id
    if db.session.scalar(select(UserSession.id).where(UserSession.id == mine)) is None:
        raise Refused(
            _("This session was ended from another device. Please sign in again."), status=401
        )


def own_session(user: User, session_id: int) -> UserSession | None:
    """The loader for the account page's buttons: the person's own session with this id, None
    if there is none (it ended, or never was); 404 for anyone else's."""
    row = db.session.get(UserSession, session_id)
    if row is not None and row.user_id != user.id:
        abort(404)
    return row


def end_one(user: User, session_id: int) -> None:
    """End one of the person's sessions from the account page; Refused when it had already
    ended (a second click, or another device was quicker)."""
    _lock_own_session(user)
    if _delete(UserSession.id == session_id, UserSession.user_id == user.id) != 1:
        raise Refused(_("That session had already ended."))


def end_others(user: User) -> int:
    """ "Sign out everywhere else": how many sessions ended (0 on a second click). A sign-in
    racing it is either ended too or listed afterwards, never half of each."""
    _lock_own_session(user)
    return _delete(UserSession.user_id == user.id, UserSession.id != user.current_session.id)


def end_all(user: User, keep: UserSession | None = None) -> int:
    """End every session of the account but `keep`: after a password change or reset, an
    administrator's deactivation, the account's deletion."""
    conditions = [UserSession.user_id == user.id]
    if keep is not None:
        conditions.append(UserSession.id != keep.id)
    return _delete(*conditions)


def _delete(*conditions) -> int:
    return db.session.execute(delete(UserSession).where(*conditions)).rowcount


def prune() -> int:
    """Delete the rows of sessions past their idle time or lifetime; how many."""
    return _delete(_expired_clause(utcnow()))


sessions_cli = AppGroup("sessions", help="Sign-in sessions.")


@sessions_cli.command("prune")
def prune_command():
    """Delete sessions past their idle time or lifetime (they already sign nobody in)."""
    removed = prune()
    db.session.commit()
    click.echo(f"Removed {removed} expired session(s).")


@sessions_cli.command("end-all")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def end_all_command(yes: bool):
    """Sign everyone out on every device (after a leaked database backup or secret key, say).
    Accounts stay as they are; each person signs in again."""
    if not yes:
        click.confirm("Sign every account out on every device?", abort=True)
    ended = _delete(UserSession.id.is_not(None))
    db.session.commit()
    click.echo(f"Ended {ended} session(s).")
