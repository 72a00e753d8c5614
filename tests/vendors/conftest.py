"""Fixtures for the entrepreneurs' pages."""

import pytest


@pytest.fixture
def english(client):
    """Pages in English, so assertions read like the code's messages (Spanish is tested too)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
