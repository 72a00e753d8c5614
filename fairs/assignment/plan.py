"""Automatic booth assignment for a fair, in plain Python (no database, no Flask).

The fairs service turns its rows into `BoothSlot` and `Request` values, calls
`assign_booths` and saves the `AssignmentResult`.

Hard rules, never broken by the automatic part:
- a vendor who needs power gets a booth with power; one who needs step-free access
  gets a step-free booth; unavailable booths are never used;
- when the layout has a food zone (any booth whose zone is `food_zone`), food vendors
  go only into it; other vendors get booths outside it first and use what is left of
  it only when no other booth fits them;
- one vendor per booth and one booth per vendor;
- a manual assignment is the organiser's word: it is returned unchanged and its booth
  is simply taken (the form that records it should check it with `booth_fits`).

Soft goals, in this order:
1. as many vendors placed as the rules allow (food vendors first, then the vendors
   with the scarcest needs; lowest request id first among equals);
2. the booths used are the best-ranked ones (lowest `rank`, ties by row, column, id),
   except that a vendor who wants shade takes a shaded booth when one fits;
3. few neighbouring booths (see `neighbours`) with vendors of the same category.

How: a greedy first picks which booths to fill by rank, a second greedy arranges the
vendors in those booths avoiding same-category neighbours, then pairwise swaps fix
what the greedy missed. Before each placement a tiny max-flow between kinds of
requests and kinds of booths (`fairs.assignment.flow`) confirms that the booth chosen
does not cost another vendor their place. Everything is sorted by id, so the input
order never changes the result.
"""

from collections import Counter
from dataclasses import dataclass, field

from fairs.assignment.flow import NEEDS, Needs, Offer, Plan, fits

NO_POWER = "no_booth_with_power"
NO_STEP_FREE = "no_step_free_booth"
NO_FOOD_ZONE = "no_food_zone_booth"
NO_FREE_BOOTH = "no_free_booth"
DUPLICATE_VENDOR = "duplicate_vendor_request"
#: Every reason code `AssignmentResult.unassigned` may hold.
UNASSIGNED_REASONS = (
    NO_POWER,
    NO_STEP_FREE,
    NO_FOOD_ZONE,
    NO_FREE_BOOTH,
    DUPLICATE_VENDOR,
)
# Enough for the swaps to settle on fairs of hundreds of booths, and a bound on time.
SWAP_PASSES = 4


@dataclass(frozen=True)
class BoothSlot:
    id: int
    code: str
    row: int
    col: int
    has_power: bool = False
    step_free: bool = False
    shade: bool = False
    zone: str | None = None
    unavailable: bool = False
    rank: int = 0  #: how well placed the booth is, lower is better (see default_rank)


@dataclass(frozen=True)
class Request:
    id: int
    vendor_id: int
    category: str
    needs_power: bool = False
    needs_step_free: bool = False
    wants_shade: bool = False
    is_food: bool = False
    manual_booth_id: int | None = None


@dataclass(frozen=True)
class AssignmentResult:
    assignments: dict[int, int]  #: request id -> booth id, manual ones included
    unassigned: dict[int, str]  #: request id -> one of UNASSIGNED_REASONS
    same_category_neighbours: int  #: pairs of neighbouring booths with the same category


def default_rank(row: int, col: int, rows: int, cols: int) -> int:
    """Rank of a booth in a rows x cols grid counted from 0 at the entrance:
    front rows first, and within a row the central columns first."""
    if not (0 <= row < rows and 0 <= col < cols):
        raise ValueError(f"booth ({row}, {col}) is outside a {rows} x {cols} grid")
    return row * cols + abs(2 * col - (cols - 1))


def neighbours(booths: list[BoothSlot]) -> dict[int, tuple[int, ...]]:
    """Booth id -> ids of its neighbours: the booths beside it in the same row (column
    +-1) and in front of or behind it in the same column (row +-1). Diagonals do not
    count: those vendors do not share a side."""
    at = {(b.row, b.col): b.id for b in booths}
    if len(at) != len(booths):
        raise ValueError("two booths share the same row and column")
    around = ((0, -1), (0, 1), (-1, 0), (1, 0))
    return {
        b.id: tuple(at[p] for dr, dc in around if (p := (b.row + dr, b.col + dc)) in at)
        for b in booths
    }


def count_same_category_neighbours(
    booths: list[BoothSlot], requests: list[Request], assignments: dict[int, int]
) -> int:
    """Pairs of neighbouring booths whose vendors share a category."""
    category = {r.id: r.category for r in requests}
    in_booth = {booth: category[req] for req, booth in assignments.items()}
    near = neighbours(booths)
    return sum(
        1
        for booth, cat in in_booth.items()
        for other in near[booth]
        if other > booth and in_booth.get(other) == cat
    )


def booth_fits(booth: BoothSlot, request: Request, *, food_zone: str | None) -> bool:
    """Whether the hard rules allow this request in this booth. `food_zone` is the
    fair's food zone, or None when its layout has none."""
    needs = _needs_of(request, food_zone is not None)
    return not booth.unavailable and fits(needs, _offer_of(booth, food_zone))


def assign_booths(
    booths: list[BoothSlot], requests: list[Request], *, food_zone: str = "food"
) -> AssignmentResult:
    """Give each request a booth under the rules and goals of this module.

    Raises ValueError on input the fairs service should never build: repeated ids,
    a manual booth that is not in the layout or is given twice, or a vendor with
    two manual booths."""
    booths = sorted(booths, key=lambda b: b.id)
    requests = sorted(requests, key=lambda r: r.id)
    booth_ids, request_ids = {b.id for b in booths}, {r.id for r in requests}
    if len(booth_ids) < len(booths) or len(request_ids) < len(requests):
        raise ValueError("booth ids and request ids must be unique")
    zone = food_zone if any(b.zone == food_zone for b in booths) else None
    manual, auto, duplicates = _split_manual(booths, requests)
    taken = set(manual.values())
    usable = [b for b in booths if not (b.unavailable or b.id in taken)]
    fair = _Fair(
        near=neighbours(booths),
        offer={b.id: _offer_of(b, zone) for b in booths},
        needs={r.id: _needs_of(r, zone is not None) for r in requests},
        request={r.id: r for r in requests},
    )
    # First choose which booths to fill (by rank), then who goes where in them.
    first, left_out = fair.place(auto, usable)
    used = set(first.values())
    chosen = [b for b in usable if b.id in used]
    fair.category_at = {b: fair.request[r].category for r, b in manual.items()}
    placed, _ = fair.place([fair.request[r] for r in first], chosen, spread=True)
    fair.swap_apart(placed)

    assignments = dict(sorted({**manual, **placed}.items()))
    unassigned = {r.id: fair.reason(r, usable) for r in left_out}
    unassigned.update(dict.fromkeys(duplicates, DUPLICATE_VENDOR))
    return AssignmentResult(
        assignments=assignments,
        unassigned=dict(sorted(unassigned.items())),
        same_category_neighbours=count_same_category_neighbours(booths, requests, assignments),
    )


def _needs_of(request: Request, has_food_zone: bool) -> Needs:
    food_only = request.is_food and has_food_zone
    return Needs(request.needs_power, request.needs_step_free, food_only)


def _offer_of(booth: BoothSlot, food_zone: str | None) -> Offer:
    in_food_zone = food_zone is not None and booth.zone == food_zone
    return Offer(booth.has_power, booth.step_free, in_food_zone, booth.shade)


def _booth_key(booth: BoothSlot) -> tuple[int, int, int, int]:
    return (booth.rank, booth.row, booth.col, booth.id)


def _split_manual(
    booths: list[BoothSlot], requests: list[Request]
) -> tuple[dict[int, int], list[Request], list[int]]:
    """Manual assignments, requests left to place, and extra requests of a vendor."""
    booth_ids = {b.id for b in booths}
    manual: dict[int, int] = {}
    auto: list[Request] = []
    duplicates: list[int] = []
    vendors: set[int] = set()
    # Manual ones first, so a vendor's manual booth wins over their other requests.
    for r in sorted(requests, key=lambda r: (r.manual_booth_id is None, r.id)):
        if r.vendor_id in vendors:
            if r.manual_booth_id is not None:
                raise ValueError(f"vendor {r.vendor_id} has two manual booths")
            duplicates.append(r.id)
        elif r.manual_booth_id is None:
            auto.append(r)
        elif r.manual_booth_id in booth_ids - set(manual.values()):
            manual[r.id] = r.manual_booth_id
        else:
            raise ValueError(f"manual booth {r.manual_booth_id} unknown or given twice")
        vendors.add(r.vendor_id)
    return manual, auto, duplicates


@dataclass
class _Fair:
    """One run of the assignment: the layout, the requests, who sits where so far."""

    near: dict[int, tuple[int, ...]]  # booth id -> neighbouring booth ids
    offer: dict[int, Offer]  # booth id -> what it offers
    needs: dict[int, Needs]  # request id -> what it needs
    request: dict[int, Request]  # request id -> request
    category_at: dict[int, str] = field(default_factory=dict)  # booth id -> category

    def clashes(self, booth_id: int, category: str) -> int:
        """Neighbours of the booth already holding a vendor of this category."""
        return sum(self.category_at.get(n) == category for n in self.near[booth_id])

    def place(
        self, requests: list[Request], booths: list[BoothSlot], spread: bool = False
    ) -> tuple[dict[int, int], list[Request]]:
        """Seat requests one by one in `booths`: returns request id -> booth id and
        the requests that cannot fit. With `spread`, avoid same-category neighbours;
        without it, rank alone counts."""
        free: dict[Offer, list[BoothSlot]] = {}
        for booth in sorted(booths, key=_booth_key):
            free.setdefault(self.offer[booth.id], []).append(booth)
        room = {n: sum(len(bs) for o, bs in free.items() if fits(n, o)) for n in NEEDS}

        def priority(r: Request) -> tuple[bool, int, int]:
            # Food vendors first (their zone is theirs), then the scarcest needs.
            needs = self.needs[r.id]
            return (not needs.food_only, room[needs], r.id)

        plan = Plan(Counter({o: len(bs) for o, bs in free.items()}))
        fitting = [r for r in sorted(requests, key=priority) if plan.add(self.needs[r.id])]
        placed: dict[int, int] = {}
        # Among equals, who wants shade chooses before those who do not mind.
        for r in sorted(fitting, key=lambda r: (priority(r)[:2], not r.wants_shade, r.id)):
            booth = self._best_booth(plan, free, r, spread)
            free[self.offer[booth.id]].remove(booth)
            placed[r.id] = booth.id
            if spread:
                self.category_at[booth.id] = r.category
        return placed, [r for r in requests if r.id not in placed]

    def _best_booth(
        self, plan: Plan, free: dict[Offer, list[BoothSlot]], r: Request, spread: bool
    ) -> BoothSlot:
        needs = self.needs[r.id]
        options = []
        for offer, booths in free.items():
            if booths and fits(needs, offer):
                booth, clashes = booths[0], 0
                if spread:
                    booth, clashes = self._least_clashing(booths, r.category)
                spills = offer.food and not needs.food_only
                shadeless = r.wants_shade and not offer.shade
                key = (spills, shadeless, clashes, _booth_key(booth))
                options.append((key, offer, booth))
        for _, offer, booth in sorted(options, key=lambda o: o[0]):
            if plan.take(needs, offer):
                return booth
        raise AssertionError("the plan promised this request a booth")

    def _least_clashing(self, booths: list[BoothSlot], category: str) -> tuple[BoothSlot, int]:
        """The best-ranked booth among those with the fewest same-category neighbours."""
        best, fewest = booths[0], len(self.near[booths[0].id]) + 1
        for booth in booths:
            clashes = self.clashes(booth.id, category)
            if clashes < fewest:
                best, fewest = booth, clashes
                if clashes == 0:
                    break
        return best, fewest

    def swap_apart(self, placed: dict[int, int]) -> None:
        """Swap placed vendors pairwise while that lowers same-category neighbours
        without breaking a rule or costing a vendor their shade. The booths used stay
        the same, and so does the number of vendors outside the food zone in it."""
        for _ in range(SWAP_PASSES):
            improved = False
            for a in sorted(placed):
                if self.clashes(placed[a], self.request[a].category) == 0:
                    continue
                b = self._best_partner(placed, a)
                if b is not None:
                    placed[a], placed[b] = placed[b], placed[a]
                    self.category_at[placed[a]] = self.request[a].category
                    self.category_at[placed[b]] = self.request[b].category
                    improved = True
            if not improved:
                return

    def _best_partner(self, placed: dict[int, int], a: int) -> int | None:
        at_a, best, best_gain = placed[a], None, 0
        for b, at_b in placed.items():
            if (
                self.request[b].category != self.request[a].category
                and fits(self.needs[a], self.offer[at_b])
                and fits(self.needs[b], self.offer[at_a])
                and self._shadeless(a, at_b) + self._shadeless(b, at_a)
                <= self._shadeless(a, at_a) + self._shadeless(b, at_b)
                and (gain := self._swap_gain(at_a, at_b)) > best_gain
            ):
                best, best_gain = b, gain
        return best

    def _shadeless(self, request_id: int, booth_id: int) -> int:
        return self.request[request_id].wants_shade and not self.offer[booth_id].shade

    def _swap_gain(self, x: int, y: int) -> int:
        """Same-category neighbours removed by swapping the vendors of booths x and y."""
        at = self.category_at

        def around() -> int:
            return self.clashes(x, at[x]) + self.clashes(y, at[y])

        before = around()
        at[x], at[y] = at[y], at[x]
        after = around()
        at[x], at[y] = at[y], at[x]
        return before - after

    def reason(self, request: Request, usable: list[BoothSlot]) -> str:
        """Why a request got no booth: the first need that no usable booth meets, or
        else the booths that fit went to others."""
        needs, offered = self.needs[request.id], {self.offer[b.id] for b in usable}
        for needed, attribute, reason in (
            (needs.power, "power", NO_POWER),
            (needs.step_free, "step_free", NO_STEP_FREE),
            (needs.food_only, "food", NO_FOOD_ZONE),
        ):
            if needed:
                offered = {o for o in offered if getattr(o, attribute)}
                if not offered:
                    return reason
        return NO_FREE_BOOTH
