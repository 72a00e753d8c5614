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
requests and kinds of booths (`_Plan`) confirms that the booth chosen does not cost
another vendor their place. Everything is sorted by id, so the input order never
changes the result.
"""

from collections import Counter, deque
from dataclasses import dataclass
from itertools import product
from typing import NamedTuple

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
    same_category_neighbours: (
        int  #: pairs of neighbouring booths with the same category
    )


class _Kind(NamedTuple):
    """What a request needs, as far as the hard rules go."""

    power: bool
    step_free: bool
    food_only: bool


class _Class(NamedTuple):
    """What a booth offers."""

    power: bool
    step_free: bool
    food: bool
    shade: bool


_KINDS = [_Kind(*bits) for bits in product((False, True), repeat=3)]
_CLASSES = [_Class(*bits) for bits in product((False, True), repeat=4)]


def _fits(kind: _Kind, cls: _Class) -> bool:
    return (
        (cls.power or not kind.power)
        and (cls.step_free or not kind.step_free)
        and (cls.food or not kind.food_only)
    )


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
    if booth.unavailable:
        return False
    return _fits(_kind_of(request, food_zone is not None), _class_of(booth, food_zone))


def _kind_of(request: Request, has_food_zone: bool) -> _Kind:
    food_only = request.is_food and has_food_zone
    return _Kind(request.needs_power, request.needs_step_free, food_only)


def _class_of(booth: BoothSlot, food_zone: str | None) -> _Class:
    in_food_zone = food_zone is not None and booth.zone == food_zone
    return _Class(booth.has_power, booth.step_free, in_food_zone, booth.shade)


def _booth_key(booth: BoothSlot) -> tuple[int, int, int, int]:
    return (booth.rank, booth.row, booth.col, booth.id)


def assign_booths(
    booths: list[BoothSlot], requests: list[Request], *, food_zone: str = "food"
) -> AssignmentResult:
    """Give each request a booth under the rules and goals of this module.

    Raises ValueError on input the fairs service should never build: repeated ids,
    a manual booth that is not in the layout, or taken twice, or a vendor with two
    manual booths."""
    booths = sorted(booths, key=lambda b: b.id)
    requests = sorted(requests, key=lambda r: r.id)
    if len({b.id for b in booths}) != len(booths) or len(
        {r.id for r in requests}
    ) != len(requests):
        raise ValueError("booth and request ids must be unique")
    zone = food_zone if any(b.zone == food_zone for b in booths) else None
    manual, auto, duplicates = _split_manual(booths, requests)
    taken = set(manual.values())
    usable = [b for b in booths if not b.unavailable and b.id not in taken]
    fair = _Fair(
        near=neighbours(booths),
        cls={b.id: _class_of(b, zone) for b in booths},
        kind={r.id: _kind_of(r, zone is not None) for r in requests},
    )
    # First choose which booths to fill (by rank), then who goes where in them.
    first, left_out = _place(fair, auto, usable)
    chosen = [b for b in usable if b.id in set(first.values())]
    by_id = {r.id: r for r in requests}
    category_at = {booth: by_id[req].category for req, booth in manual.items()}
    placed, _ = _place(fair, [by_id[req] for req in first], chosen, category_at)
    _swap_apart(fair, placed, category_at, by_id)

    assignments = dict(sorted({**manual, **placed}.items()))
    unassigned = {r.id: _reason(fair, r, usable) for r in left_out}
    unassigned.update(dict.fromkeys(duplicates, DUPLICATE_VENDOR))
    return AssignmentResult(
        assignments=assignments,
        unassigned=dict(sorted(unassigned.items())),
        same_category_neighbours=count_same_category_neighbours(
            booths, requests, assignments
        ),
    )


@dataclass
class _Fair:
    near: dict[int, tuple[int, ...]]  # booth id -> neighbouring booth ids
    cls: dict[int, _Class]  # booth id -> what it offers
    kind: dict[int, _Kind]  # request id -> what it needs

    def clashes(self, booth_id: int, category: str, category_at: dict[int, str]) -> int:
        return sum(category_at.get(other) == category for other in self.near[booth_id])


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
            continue
        vendors.add(r.vendor_id)
        if r.manual_booth_id is None:
            auto.append(r)
        elif r.manual_booth_id not in booth_ids or r.manual_booth_id in manual.values():
            raise ValueError(
                f"manual booth {r.manual_booth_id} is unknown or taken twice"
            )
        else:
            manual[r.id] = r.manual_booth_id
    return manual, auto, duplicates


def _place(
    fair: _Fair,
    requests: list[Request],
    booths: list[BoothSlot],
    category_at: dict[int, str] | None = None,
) -> tuple[dict[int, int], list[Request]]:
    """Place requests one by one into `booths`; returns request id -> booth id and the
    requests that cannot fit. With `category_at` (booth id -> category so far, updated
    here) each request avoids same-category neighbours; without it, rank alone counts."""
    free: dict[_Class, list[BoothSlot]] = {}
    for booth in sorted(booths, key=_booth_key):
        free.setdefault(fair.cls[booth.id], []).append(booth)
    room = {k: sum(len(bs) for c, bs in free.items() if _fits(k, c)) for k in _KINDS}

    def priority(r: Request) -> tuple[bool, int]:
        # Food vendors first (their zone is theirs), then the scarcest needs.
        return (not fair.kind[r.id].food_only, room[fair.kind[r.id]])

    plan = _Plan(Counter({c: len(bs) for c, bs in free.items()}))
    fitting = [
        r
        for r in sorted(requests, key=lambda r: (*priority(r), r.id))
        if plan.add(fair.kind[r.id])
    ]
    placed: dict[int, int] = {}
    # Who wants shade chooses before those who do not mind.
    for r in sorted(fitting, key=lambda r: (*priority(r), not r.wants_shade, r.id)):
        booth = _best_booth(fair, plan, free, r, category_at)
        free[fair.cls[booth.id]].remove(booth)
        placed[r.id] = booth.id
        if category_at is not None:
            category_at[booth.id] = r.category
    return placed, [r for r in requests if r.id not in placed]


def _best_booth(
    fair: _Fair,
    plan: "_Plan",
    free: dict[_Class, list[BoothSlot]],
    request: Request,
    category_at: dict[int, str] | None,
) -> BoothSlot:
    kind = fair.kind[request.id]
    options = []
    for cls, booths in free.items():
        if booths and _fits(kind, cls):
            booth, clashes = booths[0], 0
            if category_at is not None:
                booth, clashes = _least_clashing(
                    fair, booths, request.category, category_at
                )
            spills = cls.food and not kind.food_only
            shadeless = request.wants_shade and not cls.shade
            options.append(
                ((spills, shadeless, clashes, _booth_key(booth)), cls, booth)
            )
    for _, cls, booth in sorted(options, key=lambda o: o[0]):
        if plan.take(kind, cls):
            return booth
    raise AssertionError("the plan promised this request a booth")


def _least_clashing(
    fair: _Fair, booths: list[BoothSlot], category: str, category_at: dict[int, str]
) -> tuple[BoothSlot, int]:
    """The best-ranked booth among those with the fewest same-category neighbours."""
    best, fewest = booths[0], 5
    for booth in booths:
        clashes = fair.clashes(booth.id, category, category_at)
        if clashes < fewest:
            best, fewest = booth, clashes
            if clashes == 0:
                break
    return best, fewest


def _swap_apart(
    fair: _Fair,
    placed: dict[int, int],
    category_at: dict[int, str],
    by_id: dict[int, Request],
) -> None:
    """Swap placed vendors pairwise while it lowers same-category neighbours without
    breaking a rule or costing a vendor their shade. The booths used stay the same."""
    for _ in range(SWAP_PASSES):
        improved = False
        for a in sorted(placed):
            if fair.clashes(placed[a], by_id[a].category, category_at) == 0:
                continue
            b = _best_partner(fair, placed, category_at, by_id, a)
            if b is not None:
                placed[a], placed[b] = placed[b], placed[a]
                category_at[placed[a]], category_at[placed[b]] = (
                    by_id[a].category,
                    by_id[b].category,
                )
                improved = True
        if not improved:
            return


def _best_partner(
    fair: _Fair,
    placed: dict[int, int],
    category_at: dict[int, str],
    by_id: dict[int, Request],
    a: int,
) -> int | None:
    at_a, kind_a = placed[a], fair.kind[a]
    best, best_gain = None, 0
    for b, at_b in placed.items():
        if by_id[b].category == by_id[a].category:
            continue
        if not (_fits(kind_a, fair.cls[at_b]) and _fits(fair.kind[b], fair.cls[at_a])):
            continue
        if _shadeless(fair, by_id[a], at_b) + _shadeless(
            fair, by_id[b], at_a
        ) > _shadeless(fair, by_id[a], at_a) + _shadeless(fair, by_id[b], at_b):
            continue
        gain = _swap_gain(fair, category_at, at_a, at_b)
        if gain > best_gain:
            best, best_gain = b, gain
    return best


def _shadeless(fair: _Fair, request: Request, booth_id: int) -> int:
    return int(request.wants_shade and not fair.cls[booth_id].shade)


def _swap_gain(fair: _Fair, category_at: dict[int, str], x: int, y: int) -> int:
    """How many same-category neighbours swapping the vendors of booths x and y removes."""

    def around() -> int:
        return fair.clashes(x, category_at[x], category_at) + fair.clashes(
            y, category_at[y], category_at
        )

    before = around()
    category_at[x], category_at[y] = category_at[y], category_at[x]
    after = around()
    category_at[x], category_at[y] = category_at[y], category_at[x]
    return before - after


def _reason(fair: _Fair, request: Request, usable: list[BoothSlot]) -> str:
    """Why a request got no booth: the first need no usable booth meets, else all taken."""
    kind, offered = fair.kind[request.id], {fair.cls[b.id] for b in usable}
    for needed, attribute, reason in (
        (kind.power, "power", NO_POWER),
        (kind.step_free, "step_free", NO_STEP_FREE),
        (kind.food_only, "food", NO_FOOD_ZONE),
    ):
        if needed:
            offered = {c for c in offered if getattr(c, attribute)}
            if not offered:
                return reason
    return NO_FREE_BOOTH


class _Plan:
    """How many requests of each kind can still be placed, and in which booth classes:
    a tiny max-flow (8 kinds, 16 classes). Placing a request asks it first, so that a
    good-looking booth never costs another vendor their place."""

    def __init__(self, spare: Counter):
        self.spare = spare  # class -> free booths not promised to anyone
        self.flow: Counter = (
            Counter()
        )  # (kind, class) -> requests promised a booth there

    def copy(self) -> "_Plan":
        twin = _Plan(Counter(self.spare))
        twin.flow = Counter(self.flow)
        return twin

    def add(self, kind: _Kind) -> bool:
        """Promise one more request of this kind a booth, moving earlier promises along
        an augmenting path if needed. False when that is impossible."""
        came_from: dict[tuple, tuple | None] = {kind: None}
        queue = deque([kind])
        while queue:
            node = queue.popleft()
            if isinstance(node, _Class) and self.spare[node] > 0:
                self._follow(node, came_from)
                return True
            if isinstance(node, _Kind):  # a request may go to any class it fits
                nexts = [c for c in _CLASSES if _fits(node, c)]
            else:  # or push a request promised this class elsewhere
                nexts = [k for k in _KINDS if self.flow[k, node] > 0]
            for nxt in nexts:
                if nxt not in came_from:
                    came_from[nxt] = node
                    queue.append(nxt)
        return False

    def _follow(self, end: _Class, came_from: dict) -> None:
        self.spare[end] -= 1
        node = end
        while (before := came_from[node]) is not None:
            if isinstance(node, _Class):
                self.flow[before, node] += 1
            else:
                self.flow[node, before] -= 1
            node = before

    def take(self, kind: _Kind, cls: _Class) -> bool:
        """Place a promised request of `kind` in a booth of `cls` if every other promise
        can still be kept; the plan changes only when it returns True."""
        if self.flow[kind, cls] > 0:
            self.flow[kind, cls] -= 1
            return True
        trial = self.copy()
        promised = next(c for c in _CLASSES if trial.flow[kind, c] > 0)
        trial.flow[kind, promised] -= 1
        trial.spare[promised] += 1
        if trial.spare[cls] > 0:
            trial.spare[cls] -= 1
            return self._adopt(trial)
        for other in _KINDS:
            if trial.flow[other, cls] > 0:
                moved = trial.copy()
                moved.flow[other, cls] -= 1  # this request takes that promised booth...
                if moved.add(other):  # ...if its owner can be promised another
                    return self._adopt(moved)
        return False

    def _adopt(self, other: "_Plan") -> bool:
        self.spare, self.flow = other.spare, other.flow
        return True
