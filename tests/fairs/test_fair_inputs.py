"""Numbers from forms, query strings and cursors in the fair pages: out of range is a clear
answer, never a 500 and never a query with a number the database cannot hold."""

import base64

import pytest

from fairs.applications.models import Application, ApplicationStatus
from marketplace.core.database import db

TOO_BIG = str(2**63)


def test_a_booth_id_that_is_no_id_is_refused_with_a_message(client, make, organizer):
    fair = make.fair()
    make.grid(fair, 1, 1)
    application = make.application(fair, make.applicant(), status=ApplicationStatus.APPROVED)
    url = f"/admin/fairs/{fair.id}/applications/{application.id}"
    for bad in (TOO_BIG, "-1", "1.5", "x"):
        response = client.post(
            f"{url}/booth", data={"booth_id": bad}, headers={"Referer": f"http://localhost{url}"}
        )
        assert response.status_code == 303
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Este formulario está dañado" in page, bad
    assert db.session.get(Application, application.id).booth_id is None


def test_a_swap_partner_that_is_no_id_is_a_400(client, make, organizer):
    fair = make.fair()
    application = make.application(fair, make.applicant(), status=ApplicationStatus.APPROVED)
    url = f"/admin/fairs/{fair.id}/applications/{application.id}/swap"
    assert client.post(url, data={"other_id": TOO_BIG}).status_code == 400


@pytest.mark.parametrize("page", [TOO_BIG, "-3", "0", "zz"])
def test_a_page_number_out_of_range_shows_the_first_page(client, make, organizer, page):
    fair = make.fair()
    make.application(fair, make.applicant(business_name="Tule Lindo"))
    for url in (f"/admin/fairs/{fair.id}/applications", "/admin/fairs"):
        response = client.get(url, query_string={"page": page})
        assert response.status_code == 200
    assert "Tule Lindo" in client.get(
        f"/admin/fairs/{fair.id}/applications", query_string={"page": page}
    ).get_data(as_text=True)


def test_ticked_values_that_are_no_ids_name_nothing(client, make, organizer):
    fair = make.fair()
    application = make.application(fair, make.applicant())
    response = client.post(
        f"/admin/fairs/{fair.id}/applications/decide",
        data={"decision": "approved", "application_ids": [TOO_BIG, application.id]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Application, application.id).status == "approved"


def test_a_forged_cursor_with_a_huge_id_is_a_400(client, make):
    make.fair()
    cursor = base64.urlsafe_b64encode(f"2027-08-15|{TOO_BIG}".encode()).decode()
    response = client.get("/api/v1/fairs", query_string={"cursor": cursor})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_query"
