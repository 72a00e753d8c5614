"""A profile photo or logo over the size limit: the form again with a message, not an error page."""

import io

import pytest

from marketplace.core.database import db
from tests.vendors.conftest import profile_data
from vendors.profiles.models import VendorProfile

TOO_LARGE = "Esta foto pesa más de 15 MB. Por favor elija una más liviana."


def post_30_mb(client, url, **fields):
    data = {**fields, "logo_file": (_big_file(), "logo-grande.jpg")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    # The test client spools a big body to a temporary file that only the reader would close.
    response.request.environ["wsgi.input"].close()
    return response


def _big_file():
    return io.BytesIO(b"\xff\xd8\xff" + bytes(30 * 1024 * 1024))


def profiles() -> int:
    return db.session.scalar(db.select(db.func.count(VendorProfile.id)))


def test_a_new_profile_with_a_30_mb_logo_gets_the_form_and_a_message(client, make, auth):
    make.user(email="rosa@example.hn")
    auth.login("rosa@example.hn")
    response = post_30_mb(client, "/me/profile", **profile_data())
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and "<form" in page and 'name="business_name"' in page
    assert profiles() == 0


def test_a_saved_profile_is_shown_again_with_its_values(client, make, auth):
    vendor = make.vendor(business_name="Tejidos Lenca", phone="+50498765432")
    auth.login(vendor.user.email)
    response = post_30_mb(client, "/me/profile", **profile_data(business_name="Otro nombre"))
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and 'value="Tejidos Lenca"' in page and "9876-5432" in page
    db.session.refresh(vendor)
    assert vendor.business_name == "Tejidos Lenca" and vendor.logo is None


def test_with_csrf_checks_on_too(app, client, make, auth, monkeypatch):
    """In production the CSRF check reads the body first, before the view's own checks."""
    vendor = make.vendor(business_name="Tejidos Lenca")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    anonymous = post_30_mb(client, "/me/profile")
    assert anonymous.status_code == 413 and TOO_LARGE not in anonymous.get_data(as_text=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    auth.login(vendor.user.email)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    owner = post_30_mb(client, "/me/profile")
    assert owner.status_code == 413
    assert TOO_LARGE in owner.get_data(as_text=True) and 'value="Tejidos Lenca"' in owner.text


@pytest.fixture
def organizer(auth, make):
    make.organizer(email="lucia@example.hn")
    auth.login("lucia@example.hn")


def test_an_organiser_editing_a_profile_gets_the_form_and_a_message(client, make, organizer):
    vendor = make.vendor(business_name="Miel del Valle")
    response = post_30_mb(client, f"/admin/vendors/{vendor.id}/edit", **profile_data())
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and 'value="Miel del Valle"' in page
    db.session.refresh(vendor)
    assert vendor.logo is None


def test_an_unknown_profile_is_still_not_found(client, organizer):
    assert post_30_mb(client, "/admin/vendors/999999/edit").status_code == 404


def test_assisted_registration_gets_the_form_and_a_message(client, organizer):
    fields = profile_data(name="Rosa Ortiz", email="rosa@example.hn", consent="y")
    response = post_30_mb(client, "/admin/vendors/new", **fields)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert TOO_LARGE in page and 'name="email"' in page
    assert profiles() == 0


def test_an_entrepreneur_cannot_reach_the_organisers_form_this_way(client, make, auth):
    vendor = make.vendor()
    auth.login(vendor.user.email)
    response = post_30_mb(client, f"/admin/vendors/{vendor.id}/edit")
    assert response.status_code == 403 and TOO_LARGE not in response.get_data(as_text=True)
