"""Fairs and circuits: creating and editing them, their status, the public fair page and the read API."""
