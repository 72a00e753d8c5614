"""GET /api/v1/fairs and /api/v1/fairs/<slug>: published fairs and who is in which booth."""

from datetime import date, timedelta

import pytest

from fairs.fairs.models import FairStatus


def test_list_has_only_published_fairs_soonest_first(client, make):
    start = date.today() + timedelta(days=10)
    later = make.fair(starts_on=start + timedelta(days=5), name="Feria B", slug="feria-b")
    sooner = make.fair(starts_on=start, name="Feria A", slug="feria-a", status=FairStatus.LIVE)
    make.fair(status=FairStatus.DRAFT, slug="borrador")
    make.fair(status=FairStatus.CANCELLED, slug="cancelada")
    body = client.get("/api/v1/fairs").get_json()
    assert [f["slug"] for f in body["items"]] == [sooner.slug, later.slug]
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert first == {
        "slug": "feria-a",
        "name": "Feria A",
        "city": "Tegucigalpa",
        "department": "Francisco Morazán",
        "venue": "Parque Central",
        "starts_on": start.isoformat(),
        "ends_on": start.isoformat(),
        "hours": None,
        "status": "live",
        "closing_ceremony": False,
        "circuit": None,
    }


def test_cursor_walks_every_fair_once(client, make):
    day = date.today() + timedelta(days=3)
    # Several fairs on the same day: the cursor must not skip or repeat any.
    slugs = {make.fair(starts_on=day + timedelta(days=i // 3)).slug for i in range(7)}
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/fairs", query_string=query).get_json()
        assert len(body["items"]) <= 3
        seen += [f["slug"] for f in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(slugs) and len(seen) == 7


def test_limit_is_capped(client, make):
    for _ in range(3):
        make.fair()
    body = client.get("/api/v1/fairs", query_string={"limit": 100000}).get_json()
    assert len(body["items"]) == 3


@pytest.mark.parametrize(
    "query",
    [{"limit": "0"}, {"limit": "-5"}, {"limit": "diez"}, {"cursor": "%%%"}, {"cursor": "bm8"}],
)
def test_bad_query_is_a_json_400(client, query):
    response = client.get("/api/v1/fairs", query_string=query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_query" and error["message"]


def test_detail_lists_booths_and_who_is_in_them(client, make):
    fair = make.fair_with_layout(rows=1, cols=3, opens_at=None)
    application = make.booth_occupant(fair, fair.booths[1], business_name="Tejidos Lenca")
    make.booth_occupant(fair, None, business_name="En espera", status="waitlisted")
    body = client.get(f"/api/v1/fairs/{fair.slug}").get_json()
    assert body["slug"] == fair.slug and body["status"] == "open"
    assert [b["code"] for b in body["booths"]] == ["A-01", "A-02", "A-03"]
    assert body["booths"][0]["vendor"] is None
    assert body["booths"][1]["vendor"] == {
        "slug": application.vendor.slug,
        "business_name": "Tejidos Lenca",
    }


def test_detail_gives_hours(client, make):
    from datetime import time

    fair = make.fair(opens_at=time(9, 0), closes_at=time(17, 30))
    body = client.get(f"/api/v1/fairs/{fair.slug}").get_json()
    assert body["hours"] == {"opens_at": "09:00", "closes_at": "17:30"}


@pytest.mark.parametrize("status", [FairStatus.DRAFT, FairStatus.CANCELLED])
def test_unpublished_or_unknown_fair_is_a_json_404(client, make, status):
    fair = make.fair(status=status)
    for slug in (fair.slug, "no-existe"):
        response = client.get(f"/api/v1/fairs/{slug}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
