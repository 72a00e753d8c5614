"""How many booth requests can still be placed: a tiny max-flow used by the assignment.

Requests are grouped by what they need (`Needs`, 8 kinds) and booths by what they
offer (`Offer`, 16 kinds). The plan promises each request it accepts a kind of booth,
so that when one request picks a booth we can tell at once whether every other
accepted request still has one: a good-looking booth never costs a vendor their place.
"""

from collections import Counter, deque
from itertools import product
from typing import NamedTuple


class Needs(NamedTuple):
    """What a request needs, as far as the hard rules go."""

    power: bool
    step_free: bool
    food_only: bool  # a food vendor at a fair that has a food zone


class Offer(NamedTuple):
    """What a booth offers."""

    power: bool
    step_free: bool
    food: bool  # in the food zone
    shade: bool


NEEDS = [Needs(*bits) for bits in product((False, True), repeat=3)]
OFFERS = [Offer(*bits) for bits in product((False, True), repeat=4)]


def fits(needs: Needs, offer: Offer) -> bool:
    return (
        (offer.power or not needs.power)
        and (offer.step_free or not needs.step_free)
        and (offer.food or not needs.food_only)
    )


class Plan:
    """Requests promised a kind of booth, and the booths nobody is promised yet."""

    def __init__(self, free: Counter):
        self.spare = free  # offer -> free booths not promised to anyone
        self.flow: Counter = Counter()  # (needs, offer) -> requests promised there

    def copy(self) -> "Plan":
        twin = Plan(Counter(self.spare))
        twin.flow = Counter(self.flow)
        return twin

    def add(self, needs: Needs) -> bool:
        """Promise one more request a booth, moving earlier promises along an
        augmenting path if needed; False when there is no room for it."""
        came_from: dict[tuple, tuple | None] = {needs: None}
        queue: deque[tuple] = deque([needs])
        while queue:
            node = queue.popleft()
            if isinstance(node, Offer) and self.spare[node] > 0:
                self._follow(node, came_from)
                return True
            if isinstance(node, Needs):  # a request may go to any booth it fits
                nexts = [o for o in OFFERS if fits(node, o)]
            else:  # or push a request promised this kind of booth elsewhere
                nexts = [n for n in NEEDS if self.flow[n, node] > 0]
            for nxt in nexts:
                if nxt not in came_from:
                    came_from[nxt] = node
                    queue.append(nxt)
        return False

    def _follow(self, end: Offer, came_from: dict) -> None:
        self.spare[end] -= 1
        node = end
        while (before := came_from[node]) is not None:
            if isinstance(node, Offer):
                self.flow[before, node] += 1
            else:
                self.flow[node, before] -= 1
            node = before

    def take(self, needs: Needs, offer: Offer) -> bool:
        """Seat a promised request in a booth of `offer` if every other promise can
        still be kept; the plan changes only when this returns True."""
        if self.flow[needs, offer] > 0:
            self.flow[needs, offer] -= 1
            return True
        trial = self.copy()
        promised = next(o for o in OFFERS if trial.flow[needs, o] > 0)
        trial.flow[needs, promised] -= 1
        trial.spare[promised] += 1
        if trial.spare[offer] > 0:
            trial.spare[offer] -= 1
            return self._adopt(trial)
        for other in NEEDS:
            if trial.flow[other, offer] > 0:
                moved = trial.copy()
                moved.flow[other, offer] -= 1  # this request takes their booth...
                if moved.add(other):  # ...if they can be promised another
                    return self._adopt(moved)
        return False

    def _adopt(self, other: "Plan") -> bool:
        self.spare, self.flow = other.spare, other.flow
        return True
