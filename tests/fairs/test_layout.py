"""Booth layouts: drawing the grid, editing booths one by one or a row at a time."""

import pytest

from fairs.fairs.models import FairStatus
from fairs.layout.models import Booth
from marketplace.core.audit import history
from marketplace.core.database import db


def booth_codes(fair_id) -> list[str]:
    stmt = db.select(Booth.code).where(Booth.fair_id == fair_id).order_by(Booth.row, Booth.col)
    return list(db.session.scalars(stmt))


def test_grid_is_drawn_with_painted_codes(client, organizer, make):
    fair = make.fair()
    response = client.post(f"/admin/fairs/{fair.id}/layout", data={"rows": "3", "cols": "12"})
    assert response.status_code == 302
    codes = booth_codes(fair.id)
    assert len(codes) == 36
    assert codes[:2] == ["A-01", "A-02"] and codes[-1] == "C-12"
    assert history("fair", fair.id)[0].action == "fair.layout_generated"
    page = client.get(f"/admin/fairs/{fair.id}/layout").get_data(as_text=True)
    assert "<svg" in page and "C-12" in page
    # Every booth on the map leads to its edit page.
    first = db.session.scalar(db.select(Booth).where(Booth.code == "A-01"))
    assert f'href="/admin/fairs/{fair.id}/booths/{first.id}"' in page


def test_drawing_again_replaces_the_grid_while_nobody_is_assigned(client, organizer, make):
    fair = make.fair_with_layout(rows=2, cols=2)
    client.post(f"/admin/fairs/{fair.id}/layout", data={"rows": "1", "cols": "5"})
    assert booth_codes(fair.id) == ["A-01", "A-02", "A-03", "A-04", "A-05"]


@pytest.mark.parametrize(
    ("rows", "cols", "message"),
    [
        ("0", "5", "Entre 1 y 26."),
        ("27", "5", "Entre 1 y 26."),
        ("5", "0", "Entre 1 y 40."),
        ("100", "100", "Entre 1 y 26."),
        ("26", "40", "como máximo 600 puestos"),
        ("", "5", "Escriba un número."),
        ("tres", "5", "No es un valor entero válido."),
    ],
)
def test_impossible_grid_is_refused_and_changes_nothing(
    client, organizer, make, rows, cols, message
):
    fair = make.fair_with_layout(rows=1, cols=2)
    response = client.post(f"/admin/fairs/{fair.id}/layout", data={"rows": rows, "cols": cols})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert booth_codes(fair.id) == ["A-01", "A-02"]


def test_grid_cannot_be_redrawn_once_a_booth_is_assigned(client, organizer, make):
    fair = make.fair_with_layout(rows=1, cols=3)
    make.booth_occupant(fair, fair.booths[1])
    response = client.post(f"/admin/fairs/{fair.id}/layout", data={"rows": "2", "cols": "2"})
    assert response.status_code == 422
    assert "no se puede volver a dibujar" in response.get_data(as_text=True)
    assert booth_codes(fair.id) == ["A-01", "A-02", "A-03"]


def test_booth_is_edited(client, organizer, make):
    fair = make.fair_with_layout(rows=1, cols=2)
    booth = fair.booths[0]
    assert client.get(f"/admin/fairs/{fair.id}/booths/{booth.id}").status_code == 200
    response = client.post(
        f"/admin/fairs/{fair.id}/booths/{booth.id}",
        data={"size": "3x6 m", "zone": "food", "has_power": "y", "notes": "Junto al portón"},
    )
    assert response.status_code == 302
    db.session.refresh(booth)
    assert (booth.size, booth.zone, booth.has_power, booth.shade) == ("3x6 m", "food", True, False)
    assert booth.step_free is False  # an unticked box is a no
    assert booth.notes == "Junto al portón"
    assert history("booth", booth.id)[0].details["zone"] == "food"


def test_booth_of_another_fair_is_not_found(client, organizer, make):
    fair = make.fair_with_layout(rows=1, cols=1)
    other = make.fair_with_layout(rows=1, cols=1)
    url = f"/admin/fairs/{fair.id}/booths/{other.booths[0].id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"size": "1x1 m", "zone": ""}).status_code == 404
    db.session.refresh(other.booths[0])
    assert other.booths[0].size == "3x3 m"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("zone", "vip", "Elija una de las zonas de la lista."),
        ("size", "", "Complete este campo."),
        ("notes", "n" * 301, "Como máximo 300 caracteres."),
    ],
)
def test_bad_booth_edit_changes_nothing(client, organizer, make, field, value, message):
    fair = make.fair_with_layout(rows=1, cols=1)
    booth = fair.booths[0]
    data = {"size": "3x3 m", "zone": "", field: value}
    response = client.post(f"/admin/fairs/{fair.id}/booths/{booth.id}", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(booth)
    assert (booth.zone, booth.notes) == (None, "")


def test_assigned_booth_cannot_be_made_unavailable(client, organizer, make):
    fair = make.fair_with_layout(rows=1, cols=1)
    booth = fair.booths[0]
    make.booth_occupant(fair, booth, business_name="Café Cerro Azul")
    page = client.get(f"/admin/fairs/{fair.id}/booths/{booth.id}").get_data(as_text=True)
    assert "Asignado a Café Cerro Azul." in page
    response = client.post(
        f"/admin/fairs/{fair.id}/booths/{booth.id}",
        data={"size": "3x3 m", "zone": "", "unavailable": "y"},
    )
    assert response.status_code == 422
    assert "Libérelo antes de marcarlo como no disponible" in response.get_data(as_text=True)
    db.session.refresh(booth)
    assert booth.unavailable is False


def test_a_whole_row_becomes_the_food_area_with_power(client, organizer, make):
    fair = make.fair_with_layout(rows=3, cols=4)
    for action in ("food", "power"):
        response = client.post(
            f"/admin/fairs/{fair.id}/layout/row", data={"row": "2", "action": action}
        )
        assert response.status_code == 302
    booths = db.session.scalars(db.select(Booth).where(Booth.fair_id == fair.id)).all()
    food = {b.code for b in booths if b.zone == "food" and b.has_power}
    assert food == {"C-01", "C-02", "C-03", "C-04"}
    assert not any(b.zone or b.has_power for b in booths if b.row < 2)


@pytest.mark.parametrize(
    ("row", "action", "message"),
    [
        ("7", "food", "Esta fila no existe en el mapa."),
        ("x", "food", "Esta fila no existe en el mapa."),
        ("0", "paint", "Elija qué cambiar en la fila."),
    ],
)
def test_bad_row_change_is_refused(client, organizer, make, row, action, message):
    fair = make.fair_with_layout(rows=2, cols=2)
    response = client.post(
        f"/admin/fairs/{fair.id}/layout/row", data={"row": row, "action": action}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert [e.action for e in history("fair", fair.id)] == ["fair.layout_generated"]


def test_entrepreneur_cannot_draw_or_edit(client, entrepreneur, make):
    fair = make.fair_with_layout(rows=1, cols=1, status=FairStatus.DRAFT)
    booth = fair.booths[0]
    assert (
        client.post(f"/admin/fairs/{fair.id}/layout", data={"rows": 2, "cols": 2}).status_code
        == 403
    )
    response = client.post(f"/admin/fairs/{fair.id}/booths/{booth.id}", data={"size": "x"})
    assert response.status_code == 403
    assert booth_codes(fair.id) == ["A-01"]


def test_unknown_booth_is_404(client, organizer, make):
    fair = make.fair_with_layout(rows=1, cols=1)
    assert client.get(f"/admin/fairs/{fair.id}/booths/9999").status_code == 404
