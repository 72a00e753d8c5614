"""Passkeys (WebAuthn): sign in with the phone's screen lock instead of a password."""
