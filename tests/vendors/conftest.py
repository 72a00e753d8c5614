"""Shared pieces for the entrepreneur tests: profile form data, photos and the sent mail."""

import io

import pytest
from PIL import Image as PILImage

from marketplace.core.extensions import limiter
from tests import mailbox as inbox

PROFILE = {
    "business_name": "Café Doña Rosa",
    "story": "Tostamos café en Marcala.\nDesde 2019.",
    "category": "coffee_cacao",
    "department": "La Paz",
    "municipality": "Marcala",
    "phone": "9876-5432",
    "whatsapp": "+504 3312 4455",
    "returned_from": "Estados Unidos",
    "returned_year": "2019",
    "gender": "woman",
    "age_range": "35-44",
}


def profile_data(**overrides) -> dict:
    data = dict(PROFILE)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def png_bytes(size=(300, 200), colour=(200, 40, 40)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Another test may have switched the shared limiter on; start each test with no attempts
    counted, so sign-ins and claims here are never refused for someone else's tries."""
    if limiter.enabled and limiter.initialized:
        limiter.reset()


@pytest.fixture
def mailbox(app):
    """mailbox(address) -> list of (subject, body) sent to that address during this test."""
    inbox.clear(app)
    return lambda address: inbox.messages(app, address)


@pytest.fixture
def english(client):
    """Pages in English, so assertions read like the code's messages (Spanish is tested too)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
