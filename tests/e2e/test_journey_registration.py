"""Journey 1, from sign-up to a booth, at a phone's and a laptop's width.

An entrepreneur registers, confirms her e-mail from the message she receives, completes her
profile and adds a product with a photo from her phone. She cannot apply to a fair yet: only verified entrepreneurs may, so an organiser (in a
browser of her own) verifies the profile first. The entrepreneur then applies to the open
Tegucigalpa fair; the organiser approves the application, assigns booths automatically
(preview, then save) and finds the new business on the printable QR sheet. Finally the
entrepreneur sees her booth code on her dashboard.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import images_factory as factory
from tests import mailbox
from tests.e2e.journey_steps import (
    ORGANISER,
    VIEWPORT_IDS,
    VIEWPORTS,
    fits_the_screen,
    flash,
    follow_menu,
    sign_in,
)

FAIR = "Feria de Emprendimiento Tegucigalpa"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=VIEWPORT_IDS)
def test_a_new_entrepreneur_gets_a_booth(visit, viewport, tmp_path, request, live_app):
    width = request.node.callspec.id
    email = f"elsa.{width}@example.hn"
    business = f"Cinchos de Cuero Elsa ({width})"
    photo = tmp_path / "IMG_0101.jpg"
    factory.upright_photo((3000, 4000)).save(photo, quality=90)

    elsa = visit("registration/entrepreneur", viewport)
    register(elsa, "Elsa Martínez", email)
    confirm_email(elsa, live_app, email)
    complete_profile(elsa, business)
    add_product(elsa, "Cincho de cuero repujado", "450", photo)
    cannot_apply_yet(elsa)

    organiser = visit("registration/organiser", viewport)
    sign_in(organiser.page, ORGANISER)
    verify(organiser, business)

    apply_to_fair(elsa, "Cincho de cuero repujado")

    approve(organiser, business)
    circuit_lists(organiser, business)
    booth = assign_booths_automatically(organiser, business)
    qr_card_shows(organiser, business, booth)

    dashboard_shows_booth(elsa, booth)


def register(visit, name, email):
    page = visit.page
    page.goto("/")
    page.get_by_role("link", name="Registre su negocio").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registre su negocio")
    visit.check("register")
    page.get_by_label("Su nombre").fill(name)
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña", exact=True).fill("cuero-de-olancho-7")
    page.get_by_label("Repita la contraseña").fill("cuero-de-olancho-7")
    page.get_by_role("button", name="Crear mi cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise su correo")
    visit.check("check-email")


def confirm_email(visit, app, email):
    """The link in the mail the server wrote (the development mail folder is her inbox)."""
    page = visit.page
    [(subject, body)] = mailbox.messages(app, email)
    assert subject == "Confirme su correo en Mercado Retorno"
    page.goto(mailbox.link(body, "/register/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirme su correo")
    visit.check("confirm-email")
    page.get_by_role("button", name="Confirmar mi correo").click()
    expect(flash(page)).to_contain_text("Ahora cuéntenos de su negocio.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete su perfil")


def complete_profile(visit, business):
    page = visit.page
    visit.check("profile-form")
    assert fits_the_screen(page)
    page.get_by_label("Nombre del negocio").fill(business)
    page.get_by_label("Categoría principal").select_option(label="Cuero")
    page.get_by_label("Su historia").fill(
        "Aprendí a trabajar el cuero en Texas.\nVolví a Catacamas en 2021."
    )
    page.get_by_label("Departamento").select_option("Olancho")
    page.get_by_label("Municipio").fill("Catacamas")
    page.get_by_label("Teléfono", exact=True).fill("9876-5432")
    page.get_by_role("button", name="Guardar mi perfil").click()
    expect(flash(page)).to_contain_text("Los organizadores verificarán su perfil pronto.")
    expect(page.locator(".profile-state")).to_contain_text(business)
    expect(page.locator(".profile-state")).to_contain_text("Pendiente de verificación")
    visit.check("dashboard-pending")


def add_product(visit, title, price, photo):
    page = visit.page
    follow_menu(page, "Mi negocio")
    page.get_by_role("link", name="+ Agregar su primer producto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuevo producto")
    page.get_by_label("Nombre del producto").fill(title)
    page.get_by_label("Precio en lempiras").fill(price)
    page.get_by_label("Fotos", exact=True).set_input_files([str(photo)])
    expect(page.locator("[data-photo-preview] img")).to_have_count(1)
    page.get_by_label("Categoría").select_option(label="Cuero")
    page.get_by_label("Unidades en existencia").fill("12")
    visit.check("product-form")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Guardar producto").click()
    expect(flash(page)).to_have_text(f"Se guardó «{title}».")
    row = page.locator(".product-row", has_text=title)
    expect(row).to_contain_text("L 450.00")
    expect(row.locator("img")).to_have_count(1)
    visit.check("products")


def cannot_apply_yet(visit):
    page = visit.page
    follow_menu(page, "Mis solicitudes")
    page.locator(".card", has_text=FAIR).get_by_role("link", name="Solicitar participar").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Su perfil debe estar verificado por el equipo organizador antes de solicitar "
        "participar en una feria."
    )
    visit.check("cannot-apply-yet")


def verify(visit, business):
    page = visit.page
    follow_menu(page, "Personas emprendedoras")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personas emprendedoras")
    visit.check("verification-queue")
    page.get_by_role("link", name=business).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(business)
    expect(page.locator("main")).to_contain_text("Catacamas, Olancho")
    visit.check("vendor-profile")
    page.get_by_role("button", name="Verificar").click()
    expect(flash(page)).to_have_text(f"{business} quedó verificado.")


def apply_to_fair(visit, product):
    page = visit.page
    follow_menu(page, "Mis solicitudes")
    page.locator(".card", has_text=FAIR).get_by_role("link", name="Solicitar participar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Solicitar participar en una feria")
    page.get_by_label(product).check()
    visit.check("application-form")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Enviar solicitud").click()
    expect(flash(page)).to_have_text(f"Solicitud enviada a {FAIR}.")
    card = page.locator(".application-list .card", has_text=FAIR)
    expect(card).to_contain_text("En espera de revisión")
    visit.check("my-applications")


def open_fair_tab(page, tab):
    follow_menu(page, "Ferias")
    page.get_by_role("link", name=FAIR).click()
    page.get_by_role("navigation", name="Herramientas de la feria").get_by_role(
        "link", name=tab
    ).click()


def approve(visit, business):
    page = visit.page
    open_fair_tab(page, "Solicitudes y asignación de puestos")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Solicitudes: {FAIR}")
    visit.check("applications")
    page.get_by_role("link", name=business).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(business)
    expect(page.locator("main")).to_contain_text("Cincho de cuero repujado")
    page.get_by_role("button", name="Aprobar").click()
    expect(flash(page)).to_have_text("1 solicitud ahora está «Aprobada».")
    visit.check("application-approved")


def circuit_lists(visit, business):
    """The August fairs are one circuit: its page shows who attends which of them."""
    page = visit.page
    open_fair_tab(page, "Resumen")
    page.locator("main").get_by_role("link", name=re.compile("Circuito")).click()
    expect(page.get_by_role("heading", name="Quién va a qué feria")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(re.escape(business)))
    expect(row.get_by_role("cell").nth(1)).to_have_text("✓ participa")
    visit.check("circuit")


def assign_booths_automatically(visit, business) -> str:
    """Preview, then save; the booth code the new business got."""
    page = visit.page
    open_fair_tab(page, "Solicitudes y asignación de puestos")
    page.get_by_role("link", name="Asignar puestos automáticamente").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asignar puestos automáticamente")
    planned = page.get_by_role("table", name="Puestos por asignar").get_by_role(
        "row", name=re.compile(re.escape(business))
    )
    booth = planned.get_by_role("cell").first.inner_text()
    assert re.fullmatch(r"[A-D]-0[1-8]", booth)
    visit.check("auto-assignment-preview")
    page.get_by_role("button", name="Confirmar y guardar estos puestos").click()
    expect(flash(page)).to_contain_text(re.compile(r"\d+ puestos? asignados?\."))
    saved = page.get_by_role("row", name=re.compile(re.escape(business)))
    expect(saved).to_contain_text(booth)
    visit.check("booths-saved")
    return booth


def qr_card_shows(visit, business, booth):
    page = visit.page
    open_fair_tab(page, "Imprimir códigos QR")
    expect(page.get_by_role("heading", name="Códigos QR para los puestos")).to_be_visible()
    card = page.locator(".qr-card", has_text=business)
    expect(card.locator(".qr-booth")).to_have_text(f"Puesto {booth}")
    expect(card.locator("svg")).to_have_count(1)
    visit.check("qr-sheet")


def dashboard_shows_booth(visit, booth):
    page = visit.page
    follow_menu(page, "Mi negocio")
    panel = page.get_by_role("region", name="Mis ferias")
    expect(panel).to_contain_text(f"{FAIR}")
    expect(panel).to_contain_text(f"Aprobada · Puesto {booth}")
    expect(page.locator(".profile-state")).to_contain_text("Verificado")
    visit.check("dashboard-booth")
    assert fits_the_screen(page)
