"""Pages anyone can open, at a phone and a laptop viewport: accessible, and no stray errors."""

import pytest

from tests.e2e.conftest import LAPTOP, PHONE


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_home_sign_in_and_register_are_accessible(visit, viewport):
    v = visit("public", viewport)
    errors = []
    v.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path, name in (("/", "home"), ("/login", "login"), ("/register", "register")):
        v.page.goto(path)
        v.check(name)
    assert v.page.locator("h1").first.inner_text()
    assert errors == []
