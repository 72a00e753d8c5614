"""Automatic booth assignment: the rules organisers and vendors rely on."""

import random

import pytest

from fairs.assignment.plan import (
    UNASSIGNED_REASONS,
    BoothSlot,
    Request,
    assign_booths,
    booth_fits,
    default_rank,
    neighbours,
)


def row_of(n, **features):
    """n booths side by side in row 0, best-ranked on the left."""
    return [
        BoothSlot(id=i + 1, code=f"A{i + 1}", row=0, col=i, rank=i, **features) for i in range(n)
    ]


def request(id, category="crafts", **needs):
    return Request(id=id, vendor_id=100 + id, category=category, **needs)


def test_power_goes_only_to_booths_with_power():
    booths = [
        BoothSlot(1, "A1", 0, 0, rank=0),
        BoothSlot(2, "A2", 0, 1, has_power=True, rank=1),
    ]
    result = assign_booths(booths, [request(1), request(2, needs_power=True)])
    # The better-ranked booth has no power, so the vendor with a fridge gets the other.
    assert result.assignments == {1: 1, 2: 2}


@pytest.mark.parametrize(
    ("need", "reason"),
    [("needs_power", "no_booth_with_power"), ("needs_step_free", "no_step_free_booth")],
)
def test_need_nobody_can_meet_leaves_vendor_out_with_a_reason(need, reason):
    result = assign_booths(row_of(3), [request(1, **{need: True}), request(2)])
    assert result.assignments == {2: 1}
    assert result.unassigned == {1: reason}


def test_step_free_vendor_gets_the_step_free_booth():
    booths = row_of(2) + [BoothSlot(3, "B1", 1, 0, step_free=True, rank=9)]
    result = assign_booths(booths, [request(1, needs_step_free=True), request(2)])
    assert result.assignments[1] == 3


def test_vendor_without_needs_does_not_take_the_only_power_booth():
    booths = [
        BoothSlot(1, "A1", 0, 0, has_power=True, rank=0),
        BoothSlot(2, "A2", 0, 1, rank=1),
    ]
    # Request 1 comes first and would like the best booth, which is the only one with power.
    result = assign_booths(booths, [request(1), request(2, needs_power=True)])
    assert result.assignments == {1: 2, 2: 1}


def test_unavailable_booths_are_never_used():
    booths = [
        BoothSlot(1, "A1", 0, 0, unavailable=True, rank=0),
        BoothSlot(2, "A2", 0, 1, rank=1),
    ]
    result = assign_booths(booths, [request(1), request(2)])
    assert result.assignments == {1: 2}
    assert result.unassigned == {2: "no_free_booth"}


def test_food_goes_only_into_the_food_zone():
    booths = row_of(2) + [BoothSlot(3, "C1", 2, 0, zone="food", rank=5)]
    result = assign_booths(
        booths,
        [request(1, "baleadas", is_food=True), request(2, "coffee", is_food=True)],
    )
    assert result.assignments == {1: 3}
    # The zone exists but is full.
    assert result.unassigned == {2: "no_free_booth"}


def test_food_vendor_is_left_out_when_the_whole_food_zone_is_out_of_use():
    booths = row_of(2) + [BoothSlot(3, "C1", 2, 0, zone="food", unavailable=True)]
    result = assign_booths(booths, [request(1, "baleadas", is_food=True)])
    assert result.unassigned == {1: "no_food_zone_booth"}


def test_food_goes_anywhere_when_the_fair_has_no_food_zone():
    result = assign_booths(row_of(2), [request(1, "baleadas", is_food=True)])
    assert result.assignments == {1: 1}


def test_other_vendors_use_the_food_zone_only_when_nothing_else_is_left():
    booths = [
        BoothSlot(1, "F1", 0, 0, zone="food", rank=0),
        BoothSlot(2, "A1", 1, 0, rank=1),
    ]
    assert assign_booths(booths, [request(1)]).assignments == {1: 2}
    assert assign_booths(booths, [request(1), request(2)]).assignments == {1: 2, 2: 1}


def test_food_vendor_keeps_the_food_zone_from_other_vendors():
    booths = [BoothSlot(1, "F1", 0, 0, zone="food", rank=0)]
    result = assign_booths(booths, [request(1, "crafts"), request(2, "coffee", is_food=True)])
    assert result.assignments == {2: 1}
    assert result.unassigned == {1: "no_free_booth"}


def test_manual_assignment_is_kept_and_its_booth_given_to_nobody_else():
    requests = [request(1), request(2), request(3, manual_booth_id=1)]
    result = assign_booths(row_of(3), requests)
    assert result.assignments[3] == 1
    assert sorted(result.assignments.values()) == [1, 2, 3]


def test_manual_assignment_is_kept_even_where_the_rules_would_not_place_it():
    booths = [BoothSlot(1, "A1", 0, 0, unavailable=True)]
    result = assign_booths(booths, [request(1, needs_power=True, manual_booth_id=1)])
    assert result.assignments == {1: 1}


def test_a_vendor_gets_one_booth_and_the_extra_request_says_why():
    requests = [
        request(1),
        Request(2, vendor_id=101, category="crafts", manual_booth_id=3),
    ]
    result = assign_booths(row_of(3), requests)
    assert result.assignments == {2: 3}
    assert result.unassigned == {1: "duplicate_vendor_request"}


def test_no_booth_and_no_vendor_twice_when_booths_run_out():
    requests = [request(i, f"cat{i % 3}") for i in range(1, 11)]
    result = assign_booths(row_of(6), requests)
    assert len(set(result.assignments.values())) == len(result.assignments) == 6
    assert set(result.unassigned.values()) == {"no_free_booth"}
    assert set(result.assignments) | set(result.unassigned) == set(range(1, 11))


@pytest.mark.parametrize(
    "requests",
    [
        [request(1, manual_booth_id=9)],
        [request(1, manual_booth_id=1), request(2, manual_booth_id=1)],
        [
            request(1, manual_booth_id=1),
            Request(2, vendor_id=101, category="x", manual_booth_id=2),
        ],
        [request(1), request(1)],
    ],
    ids=["unknown booth", "booth twice", "vendor twice", "repeated id"],
)
def test_impossible_manual_input_is_refused(requests):
    with pytest.raises(ValueError):
        assign_booths(row_of(3), requests)


def test_same_category_vendors_alternate_when_variety_allows():
    requests = [
        request(1, "crafts"),
        request(2, "crafts"),
        request(3, "coffee"),
        request(4, "coffee"),
    ]
    result = assign_booths(row_of(4), requests)
    in_order = [r for booth in (1, 2, 3, 4) for r, b in result.assignments.items() if b == booth]
    categories = [requests[r - 1].category for r in in_order]
    assert categories in (["crafts", "coffee"] * 2, ["coffee", "crafts"] * 2)
    assert result.same_category_neighbours == 0


def test_best_ranked_booths_are_filled_first():
    booths = [
        BoothSlot(i, f"A{i}", 0, i, rank=rank) for i, rank in enumerate([5, 0, 4, 1, 3, 2], start=1)
    ]
    result = assign_booths(booths, [request(1, "crafts"), request(2, "toys"), request(3, "coffee")])
    assert sorted(result.assignments.values()) == [2, 4, 6]


def test_shade_wish_is_honoured_when_a_shaded_booth_fits():
    booths = row_of(2) + [BoothSlot(3, "B1", 1, 0, shade=True, rank=9)]
    result = assign_booths(booths, [request(1), request(2, wants_shade=True)])
    assert result.assignments[2] == 3


def shuffled_fair(seed):
    """A small fair with every kind of need, some manual picks and out-of-use booths."""
    rng = random.Random(seed)
    booths = [
        BoothSlot(
            id=r * 6 + c + 1,
            code=f"{r}-{c}",
            row=r,
            col=c,
            has_power=rng.random() < 0.3,
            step_free=rng.random() < 0.4,
            shade=rng.random() < 0.3,
            zone="food" if r == 4 else None,
            unavailable=rng.random() < 0.1,
            rank=default_rank(r, c, 5, 6),
        )
        for r in range(5)
        for c in range(6)
    ]
    requests = [
        Request(
            id=i,
            vendor_id=i,
            category=rng.choice("abcd"),
            needs_power=rng.random() < 0.3,
            needs_step_free=rng.random() < 0.3,
            wants_shade=rng.random() < 0.3,
            is_food=rng.random() < 0.2,
            manual_booth_id=i if i in (3, 17) else None,
        )
        for i in range(1, 29)
    ]
    return booths, requests


@pytest.mark.parametrize("seed", range(8))
def test_same_fair_in_any_order_gives_the_same_result(seed):
    booths, requests = shuffled_fair(seed)
    expected = assign_booths(booths, requests)
    rng = random.Random(seed)
    for _ in range(3):
        assert (
            assign_booths(rng.sample(booths, len(booths)), rng.sample(requests, len(requests)))
            == expected
        )


@pytest.mark.parametrize("seed", range(8))
def test_every_rule_holds_and_nobody_is_left_out_who_could_fit(seed):
    booths, requests = shuffled_fair(seed)
    result = assign_booths(booths, requests)
    booth = {b.id: b for b in booths}
    for r in requests:
        if r.id in result.assignments and r.manual_booth_id is None:
            assert booth_fits(booth[result.assignments[r.id]], r, food_zone="food")
    assert len(set(result.assignments.values())) == len(result.assignments)
    assert set(result.unassigned.values()) <= set(UNASSIGNED_REASONS)
    assert len(result.assignments) == len(requests) - len(result.unassigned)
    assert len(result.assignments) == most_that_fit(booths, requests)


def most_that_fit(booths, requests):
    """The largest number of requests the rules allow to place (a plain matching)."""
    manual = {r.manual_booth_id for r in requests if r.manual_booth_id is not None}
    free = [b for b in booths if b.id not in manual]
    zone = "food" if any(b.zone == "food" for b in booths) else None
    owner = {}

    def place(r, seen):
        for b in free:
            if b.id not in seen and booth_fits(b, r, food_zone=zone):
                seen.add(b.id)
                if b.id not in owner or place(owner[b.id], seen):
                    owner[b.id] = r
                    return True
        return False

    auto = [r for r in requests if r.manual_booth_id is None]
    return len(manual) + sum(place(r, set()) for r in auto)


def test_neighbours_share_a_side_not_a_corner():
    booths = [
        BoothSlot(i, str(i), r, c)
        for i, (r, c) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1), (0, 3)])
    ]
    assert neighbours(booths) == {0: (1, 2), 1: (0, 3), 2: (3, 0), 3: (2, 1), 4: ()}


@pytest.mark.parametrize(("row", "col", "rank"), [(0, 2, 0), (0, 1, 2), (0, 4, 4), (1, 2, 5)])
def test_default_rank_prefers_front_rows_and_central_columns(row, col, rank):
    assert default_rank(row, col, rows=3, cols=5) == rank
