"""Benchmark of the automatic booth assignment (fairs.assignment.plan.assign_booths).

Pure Python: unlike the other benches it touches no database (DATABASE_URL is not
read), because the assignment itself never does.

It lays out 620 booths (20 rows x 31 columns: power ~30%, step-free ~40%, shade ~35%,
a food zone in the last 4 rows, 20 booths out of use) and 600 requests in 10
categories (food ~20%) built so that every request can get a booth. It times ours
(best of several runs), checks its result against the hard rules with an independent
checker, and counts same-category neighbours for ours, a random valid assignment and
a simple greedy (requests in id order, first fitting booth by rank), all in this run.

Usage: python bench/assignment.py [--quick]
The last line printed is one JSON object with the figures.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fairs.assignment.plan import (
    BoothSlot,
    Request,
    assign_booths,
    count_same_category_neighbours,
    default_rank,
)

ROWS, COLS, OUT_OF_USE, FOOD_ROWS = 20, 31, 20, 4
FOOD = ("baleadas", "coffee", "sweets")
OTHER = ("crafts", "clothing", "jewellery", "leather", "cosmetics", "home", "toys")
SEED = 20250815


def build_fair(seed: int = SEED) -> tuple[list[BoothSlot], list[Request]]:
    """Booths, and one request per usable booth whose needs that booth meets, so a
    placement for everyone exists; request ids are shuffled to hide it."""
    rng = random.Random(seed)
    out_of_use = set(rng.sample(range(ROWS * COLS), OUT_OF_USE))
    booths = [
        BoothSlot(
            id=row * COLS + col + 1,
            code=f"{chr(ord('A') + row)}{col + 1}",
            row=row,
            col=col,
            has_power=rng.random() < 0.3,
            step_free=rng.random() < 0.4,
            shade=rng.random() < 0.35,
            zone="food" if row >= ROWS - FOOD_ROWS else None,
            unavailable=row * COLS + col in out_of_use,
            rank=default_rank(row, col, ROWS, COLS),
        )
        for row in range(ROWS)
        for col in range(COLS)
    ]
    usable = [b for b in booths if not b.unavailable]
    ids = rng.sample(range(1, len(usable) + 1), len(usable))
    requests = [
        Request(
            id=request_id,
            vendor_id=1000 + request_id,
            category=rng.choice(FOOD if b.zone == "food" else OTHER),
            needs_power=b.has_power and rng.random() < 0.8,
            needs_step_free=b.step_free and rng.random() < 0.5,
            wants_shade=rng.random() < 0.3,
            is_food=b.zone == "food",
        )
        for request_id, b in zip(ids, usable, strict=True)
    ]
    return booths, requests


def hard_constraint_violations(
    booths: list[BoothSlot],
    requests: list[Request],
    assignments: dict[int, int],
    food_zone: str = "food",
) -> int:
    """Every broken hard rule in `assignments`, counted afresh from the raw data."""
    booth = {b.id: b for b in booths}
    request = {r.id: r for r in requests}
    has_food_zone = any(b.zone == food_zone for b in booths)
    violations = 0
    for req_id, booth_id in assignments.items():
        r, b = request.get(req_id), booth.get(booth_id)
        if r is None or b is None:
            violations += 1
            continue
        if r.manual_booth_id is not None:
            violations += r.manual_booth_id != booth_id
            continue
        violations += b.unavailable
        violations += r.needs_power and not b.has_power
        violations += r.needs_step_free and not b.step_free
        violations += has_food_zone and r.is_food and b.zone != food_zone
    vendors = [request[r].vendor_id for r in assignments if r in request]
    violations += len(assignments) - len(set(assignments.values()))
    violations += len(vendors) - len(set(vendors))
    violations += sum(
        1 for r in requests if r.manual_booth_id is not None and r.id not in assignments
    )
    return violations


def _fits(b: BoothSlot, r: Request) -> bool:
    return (
        not b.unavailable
        and (b.has_power or not r.needs_power)
        and (b.step_free or not r.needs_step_free)
        and (b.zone == "food" or not r.is_food)
    )


def random_assignment(
    booths: list[BoothSlot], requests: list[Request], seed: int = SEED
) -> dict[int, int]:
    """Requests in random order, each into a random free booth it fits."""
    rng = random.Random(seed)
    free, result = {b.id for b in booths}, {}
    for r in rng.sample(requests, len(requests)):
        options = sorted(b.id for b in booths if b.id in free and _fits(b, r))
        if options:
            result[r.id] = rng.choice(options)
            free.discard(result[r.id])
    return result


def greedy_assignment(booths: list[BoothSlot], requests: list[Request]) -> dict[int, int]:
    """Requests in id order, each into the best-ranked free booth it fits."""
    by_rank = sorted(booths, key=lambda b: (b.rank, b.row, b.col, b.id))
    free, result = {b.id for b in booths}, {}
    for r in sorted(requests, key=lambda r: r.id):
        found = next((b.id for b in by_rank if b.id in free and _fits(b, r)), None)
        if found is not None:
            result[r.id] = found
            free.discard(found)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timed runs")
    repetitions = 3 if parser.parse_args().quick else 10

    booths, requests = build_fair()
    usable = sum(not b.unavailable for b in booths)
    print(f"{len(booths)} booths ({usable} usable), {len(requests)} requests")
    timings = []
    for _ in range(repetitions):
        started = time.perf_counter()
        result = assign_booths(booths, requests)
        timings.append(time.perf_counter() - started)
    seconds = min(timings)
    violations = hard_constraint_violations(booths, requests, result.assignments)
    print(
        f"ours:   {seconds:.3f} s (best of {repetitions}), {len(result.assignments)} placed, "
        f"{violations} hard-rule violations, {result.same_category_neighbours} same-category neighbours"
    )
    baselines = {}
    for name, assignments in (
        ("random", random_assignment(booths, requests)),
        ("greedy", greedy_assignment(booths, requests)),
    ):
        baselines[name] = count_same_category_neighbours(booths, requests, assignments)
        print(f"{name}: {len(assignments)} placed, {baselines[name]} same-category neighbours")
    ratio = result.same_category_neighbours / max(baselines["random"], 1)
    print(f"ours / random same-category neighbours: {ratio:.2f} (target at most 0.50)")
    summary = {
        "bench": "assignment",
        "booths": len(booths),
        "seconds": round(seconds, 4),
        "hard_constraint_violations": violations,
        "same_category_neighbours": result.same_category_neighbours,
        "random_same_category_neighbours": baselines["random"],
        "greedy_same_category_neighbours": baselines["greedy"],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
