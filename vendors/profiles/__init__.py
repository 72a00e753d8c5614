"""Entrepreneur profiles: completing them, verification, assisted registration, privacy."""
