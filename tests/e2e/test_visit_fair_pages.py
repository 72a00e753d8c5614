"""Fair pages in a real browser with the demo data: a buyer finds a fair's map, an organiser
edits a booth, checks a vendor list on a phone, and opens the printables. Accessible at a phone
and a laptop viewport."""

import pytest

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.journey_steps import ORGANISER, sign_in


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_public_fair_page_is_accessible(visit, viewport):
    v = visit("public-fair", viewport)
    v.page.goto("/")
    v.page.locator(".fair-cards a").first.click()
    assert v.page.locator("svg.booth-map").count() == 1
    assert "A-01" in v.page.locator("svg.booth-map").text_content()
    v.check("fair")


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_organiser_fair_tools_are_accessible(visit, viewport):
    v = visit("organiser-fairs", viewport)
    errors = []
    v.page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(v.page, ORGANISER)
    v.page.goto("/admin/fairs")
    v.check("fairs")
    v.page.get_by_role("link", name="Feria de Emprendimiento Tegucigalpa").click()
    v.check("fair")
    v.page.get_by_role("link", name="Mapa de puestos").first.click()
    v.check("layout")
    v.page.locator("svg.booth-map a").first.click()
    v.page.get_by_label("Toma eléctrica").check()
    v.page.get_by_role("button", name="Guardar").click()
    assert "Puesto A-01 guardado." in v.page.locator(".flashes").inner_text()
    v.page.get_by_role("link", name="Registro de asistencia").click()
    v.check("checkin")
    for name in ("print-map", "print-vendors", "print-qr"):
        v.page.goto(v.page.url.replace("/checkin", f"/{name.replace('-', '/')}"))
        v.check(name)
    v.page.goto("/admin/circuits")
    v.page.locator("main ul a").first.click()
    v.check("circuit")
    assert errors == []
