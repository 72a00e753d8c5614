"""What a buyer's phone downloads on a first visit, measured by the browser's own Resource Timing:
small enough for weak mobile data at a fair. Product photos (/media/) are counted apart; they
load lazily and at the size the screen needs."""

import json
import urllib.request

import pytest

from tests.e2e.conftest import PHONE

KB = 1024
PAGE_BUDGET = 150 * KB  # the document, styles, scripts, icons: everything but product photos
SCRIPT_BUDGET = 25 * KB

# Every entry of this page load: the document itself first, then what it fetched.
ENTRIES_JS = """() => {
  const keep = (e) => ({
    name: e.name, type: e.initiatorType, transfer: e.transferSize, body: e.encodedBodySize,
    blocking: e.renderBlockingStatus || null,
  });
  return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .map(keep);
}"""


def _product_path(base_url: str) -> str:
    with urllib.request.urlopen(f"{base_url}/api/v1/products?limit=1") as r:
        return f"/products/{json.load(r)['items'][0]['id']}"


def _is_script(entry) -> bool:
    return entry["type"] == "script" or entry["name"].split("?")[0].endswith(".js")


def weigh(visit, path: str):
    """Load `path` with an empty cache on a phone; returns (origin, entries)."""
    v = visit("page-weight", PHONE)
    v.page.goto(path, wait_until="networkidle")
    entries = v.page.evaluate(ENTRIES_JS)
    origin = v.page.evaluate("location.origin")
    v.check(path.strip("/").replace("/", "-") or "home")
    return origin, entries


def report(path: str, entries) -> str:
    lines = [f"{path}: what the phone downloaded (bytes transferred, body, kind)"]
    for e in sorted(entries, key=lambda e: e["transfer"], reverse=True):
        name = e["name"].split("//", 1)[-1].split("/", 1)[-1]
        flag = " render-blocking" if e["blocking"] == "blocking" else ""
        lines.append(f"  {e['transfer']:>8,} {e['body']:>8,}  {e['type']:<10} /{name}{flag}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", ["/catalog", "/", "product"])
def test_a_first_visit_on_a_phone_stays_within_budget(visit, live_server, path):
    path = _product_path(live_server) if path == "product" else path
    origin, entries = weigh(visit, path)
    photos = [e for e in entries if "/media/" in e["name"]]
    rest = [e for e in entries if e not in photos]
    # A zero transfer size would mean a cache or a cross-origin response hiding its size.
    assert all(e["transfer"] > 0 for e in rest), report(path, rest)
    total = sum(e["transfer"] for e in rest)
    scripts = sum(e["transfer"] for e in rest if _is_script(e))
    foreign_blocking = [
        e["name"]
        for e in entries
        if e["blocking"] == "blocking" and not e["name"].startswith(origin + "/")
    ]
    figures = report(path, rest)
    print(
        f"\n{figures}\n  total {total / KB:.1f} KB without photos "
        f"({sum(e['transfer'] for e in photos) / KB:.1f} KB in {len(photos)} photos), "
        f"scripts {scripts / KB:.1f} KB"
    )
    assert total < PAGE_BUDGET, f"{total / KB:.1f} KB is over {PAGE_BUDGET // KB} KB\n{figures}"
    assert scripts < SCRIPT_BUDGET, f"{scripts / KB:.1f} KB of JavaScript\n{figures}"
    assert foreign_blocking == [], f"render-blocking from another origin: {foreign_blocking}"
