"""Passkey logic: the two WebAuthn ceremonies (create a passkey, sign in with one) around
py_webauthn, and a person's list of passkeys.

Each ceremony has two steps. `*_options` makes a challenge, remembers it in the browser's
session and in a `passkey_challenges` row, and returns what `navigator.credentials` needs.
`take_challenge` then uses it up (whatever the answer turns out to be), and `register` /
`sign_in` check the signed answer. Every refusal is a `Refused` with a message for the person
and changes nothing of theirs.
"""

import logging
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, options_to_json_dict
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from marketplace.core.auth.models import User, utcnow
from marketplace.core.auth.passkeys.models import (
    MAX_CREDENTIAL_ID,
    MAX_NAME,
    Passkey,
    PasskeyChallenge,
)
from marketplace.core.database import db
from marketplace.core.errors import Refused
from marketplace.core.inputs import has_forbidden_characters

log = logging.getLogger(__name__)

SESSION_KEY = "passkey_challenge"
REGISTER, SIGN_IN = "register", "sign_in"
#: One person's passkeys: a phone, a spare, a laptop... a list, not a collection.
MAX_PASSKEYS = 10
#: EdDSA, ES256 (what phones make) and RS256 (Windows Hello).
ALGORITHMS = [
    COSEAlgorithmIdentifier.EDDSA,
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
]
#: What a hostile or damaged answer can make the library's parsers raise.
BAD_ANSWER = (WebAuthnException, ValueError, TypeError, KeyError, IndexError, OverflowError)


def relying_party() -> tuple[str, str]:
    """The RP ID and the origin answers must come from: PASSKEY_RP_ID / PASSKEY_ORIGIN, or the
    host and scheme of the request (gunicorn trusts X-Forwarded-Proto from FORWARDED_ALLOW_IPS)."""
    config = current_app.config
    origin = config.get("PASSKEY_ORIGIN") or request.host_url.rstrip("/")
    rp_id = config.get("PASSKEY_RP_ID") or urlsplit(origin).hostname
    return rp_id, origin


def passkeys_of(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(
            db.select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)
        )
    )


def own_passkey(user: User, passkey_id: int) -> Passkey | None:
    """The passkey only if it is this person's."""
    return db.session.scalar(
        db.select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    )


def clean_name(value) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME:
        raise Refused(
            _("Give the passkey a name of up to 60 characters, for example “My phone”."),
            code="invalid_name",
            status=400,
            field="name",
        )
    if has_forbidden_characters(name):
        raise Refused(
            _("The name has characters we cannot store. Please type it again."),
            code="invalid_name",
            status=400,
            field="name",
        )
    return name


# The challenge


def _new_challenge(purpose: str, user: User | None, **extra) -> bytes:
    challenge = secrets.token_bytes(32)
    now = utcnow()
    ttl = timedelta(seconds=current_app.config["PASSKEY_CHALLENGE_SECONDS"])
    # Challenges nobody answered would pile up: each new one sweeps the expired.
    db.session.execute(db.delete(PasskeyChallenge).where(PasskeyChallenge.expires_at <= now))
    db.session.add(
        PasskeyChallenge(
            challenge=bytes_to_base64url(challenge),
            purpose=purpose,
            user_id=user.id if user else None,
            expires_at=now + ttl,
        )
    )
    session[SESSION_KEY] = {"purpose": purpose, "challenge": bytes_to_base64url(challenge), **extra}
    return challenge


def take_challenge(purpose: str, user: User | None) -> dict:
    """Use up the challenge this browser was given for `purpose`: its row is deleted, and the
    caller commits that before checking the answer, so an answer is checked once at most. Returns
    what `_new_challenge` kept in the session (with the challenge as bytes)."""
    kept = session.pop(SESSION_KEY, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose:
        raise Refused(
            _("This request has expired. Please try again."), code="no_challenge", status=400
        )
    owner = PasskeyChallenge.user_id == user.id if user else PasskeyChallenge.user_id.is_(None)
    taken = db.session.execute(
        db.delete(PasskeyChallenge).where(
            PasskeyChallenge.challenge == kept["challenge"],
            PasskeyChallenge.purpose == purpose,
            owner,
            PasskeyChallenge.expires_at > utcnow(),
        )
    )
    if taken.rowcount != 1:
        raise Refused(
            _("This request was already used or has expired. Please try again."),
            code="challenge_used",
            status=400,
        )
    return {**kept, "challenge": _decode(kept["challenge"])}


# Creating a passkey


def registration_options(user: User) -> dict:
    existing = passkeys_of(user)
    if len(existing) >= MAX_PASSKEYS:
        raise Refused(
            _("You already have 10 passkeys. Remove one you no longer use to add another."),
            code="too_many_passkeys",
            status=400,
        )
    # One handle per person: creating a second passkey on the same phone replaces the first
    # there instead of piling up.
    handle = existing[0].user_handle if existing else secrets.token_bytes(32)
    rp_id, _origin = relying_party()
    challenge = _new_challenge(REGISTER, user, handle=bytes_to_base64url(handle))
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=current_app.config["PASSKEY_RP_NAME"],
        user_id=handle,
        user_name=user.email,
        user_display_name=user.name or user.email,
        challenge=challenge,
        timeout=current_app.config["PASSKEY_CHALLENGE_SECONDS"] * 1000,
        # Discoverable, so that signing in needs no e-mail; verified, so that it is the screen
        # lock (fingerprint, face or PIN) and not just a tap.
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[_descriptor(p) for p in existing],
        supported_pub_key_algs=ALGORITHMS,
    )
    # credProps: the browser then says whether the passkey really was kept on the device.
    return {**options_to_json_dict(options), "extensions": {"credProps": True}}


def register(user: User, kept: dict, credential, name: str) -> Passkey:
    """Check the browser's answer to `registration_options` and keep the new passkey."""
    rp_id, origin = relying_party()
    if not isinstance(credential, dict):
        raise _bad_answer()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=kept["challenge"],
            expected_rp_id=rp_id,
            expected_origin=origin,
            require_user_verification=True,
            supported_pub_key_algs=ALGORITHMS,
        )
    except BAD_ANSWER as e:
        raise _refusal(e, origin) from None
    if len(verified.credential_id) > MAX_CREDENTIAL_ID:
        raise _bad_answer()
    if _not_discoverable(credential):
        raise Refused(
            _(
                "This device could not keep the passkey, so it could not sign you in without "
                "your e-mail. Please try with your phone's screen lock."
            ),
            code="not_discoverable",
            status=400,
        )
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=_transports(credential),
        user_handle=_decode(kept["handle"]),
        name=name,
    )
    try:
        with db.session.begin_nested():
            db.session.add(passkey)
    except IntegrityError:
        raise Refused(
            _("This passkey is already saved."), code="passkey_exists", status=400
        ) from None
    return passkey


def _not_discoverable(credential: dict) -> bool:
    """Only a browser that answers credProps can tell; silence is taken as kept, as asked."""
    results = credential.get("clientExtensionResults")
    props = results.get("credProps") if isinstance(results, dict) else None
    return isinstance(props, dict) and props.get("rk") is False


def registered_before(user: User, credential) -> bool:
    """The answer is for a passkey this person already saved: a resend of a creation that
    worked, to be answered as the first time."""
    raw_id = credential.get("rawId") if isinstance(credential, dict) else None
    if not isinstance(raw_id, str) or not raw_id or len(raw_id) > 2 * MAX_CREDENTIAL_ID:
        return False
    try:
        credential_id = base64url_to_bytes(raw_id)
    except ValueError:
        return False
    return (
        db.session.scalar(
            db.select(Passkey.id).where(
                Passkey.credential_id == credential_id, Passkey.user_id == user.id
            )
        )
        is not None
    )


def _transports(credential: dict) -> list[str]:
    given = _response(credential).get("transports")
    known = {t.value for t in AuthenticatorTransport}
    return [t for t in given if t in known] if isinstance(given, list) else []


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    known = {t.value for t in AuthenticatorTransport}
    return PublicKeyCredentialDescriptor(
        id=passkey.credential_id,
        transports=[AuthenticatorTransport(t) for t in passkey.transports or [] if t in known],
    )


# Signing in with a passkey


def sign_in_options() -> dict:
    rp_id, _origin = relying_party()
    challenge = _new_challenge(SIGN_IN, None)
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=challenge,
        timeout=current_app.config["PASSKEY_CHALLENGE_SECONDS"] * 1000,
        # No list of credentials: the phone offers the passkeys it holds for this site.
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json_dict(options)


def find_passkey(credential) -> Passkey:
    """The passkey an answer claims to be signed with; refused when it is not one we keep."""
    raw_id = credential.get("rawId") if isinstance(credential, dict) else None
    if not isinstance(raw_id, str) or not raw_id or len(raw_id) > 2 * MAX_CREDENTIAL_ID:
        raise _bad_answer()
    passkey = db.session.scalar(db.select(Passkey).where(Passkey.credential_id == _decode(raw_id)))
    if passkey is None:
        raise Refused(
            _(
                "We do not know this passkey: it may have been removed. Please sign in with your "
                "e-mail and password."
            ),
            code="unknown_passkey",
            status=404,
        )
    return passkey


def sign_in(passkey: Passkey, kept: dict, credential: dict) -> User:
    """Check a signed answer to `sign_in_options` against the passkey it names."""
    rp_id, origin = relying_party()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=kept["challenge"],
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            # The counter is checked below, in the UPDATE itself, so that two uses at the same
            # moment cannot both pass; 0 here leaves the library's own (non-atomic) check out.
            credential_current_sign_count=0,
            require_user_verification=True,
        )
    except BAD_ANSWER as e:
        raise _refusal(e, origin) from None
    handle = _response(credential).get("userHandle")
    if not isinstance(handle, str) or _decode(handle) != passkey.user_handle:
        raise _bad_answer()
    user = passkey.user
    if not user.is_active:
        raise Refused(
            _("This account is switched off. Please contact the fair organisers."),
            code="account_inactive",
            status=403,
        )
    count = verified.new_sign_count
    # A counter that does not move forward means a copied passkey, unless it never counts.
    forward = Passkey.sign_count < count
    if count == 0:
        forward = forward | (Passkey.sign_count == 0)
    now = utcnow()
    moved = db.session.execute(
        db.update(Passkey)
        .where(Passkey.id == passkey.id, forward)
        .values(sign_count=count, last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        log.warning("Passkey %s refused: its counter did not move forward", passkey.id)
        raise Refused(
            _(
                "This passkey could not be trusted (it may have been copied). Please sign in with "
                "your e-mail and password, and remove it from your passkeys."
            ),
            code="counter_regressed",
            status=400,
        )
    user.last_login_at = now
    return user


# Managing the list


def rename(user: User, passkey_id: int, name: str) -> None:
    changed = db.session.execute(
        db.update(Passkey)
        .where(Passkey.id == passkey_id, Passkey.user_id == user.id)
        .values(name=name)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise _not_found()


def remove(user: User, passkey_id: int) -> None:
    gone = db.session.execute(
        db.delete(Passkey)
        .where(Passkey.id == passkey_id, Passkey.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    if gone.rowcount != 1:
        raise _not_found()


def _not_found() -> Refused:
    return Refused(
        _("We could not find this passkey among yours. It may have been removed already."),
        code="not_found",
        status=404,
    )


def _response(credential: dict) -> dict:
    response = credential.get("response")
    return response if isinstance(response, dict) else {}


def _decode(value: str) -> bytes:
    try:
        return base64url_to_bytes(value)
    except (ValueError, TypeError):
        raise _bad_answer() from None


def _bad_answer() -> Refused:
    return Refused(
        _("Your device's answer could not be checked. Please try again."),
        code="invalid_credential",
        status=400,
    )


def _refusal(error: Exception, origin: str) -> Refused:
    """The library's reason is for the log; the person gets a message they can act on."""
    log.info("Passkey answer refused: %s", error)
    if "origin" in str(error):
        return Refused(
            _(
                "This passkey answer came from another site. Please open Mercado Retorno at %(site)s.",
                site=origin,
            ),
            code="wrong_origin",
            status=400,
        )
    if "User verification" in str(error):
        return Refused(
            _("Please unlock with your fingerprint, face or PIN to use a passkey."),
            code="not_verified",
            status=400,
        )
    return _bad_answer()
