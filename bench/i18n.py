"""Template translation: the app's `_`, bound to each render's catalogue, against Flask-Babel's.

    python bench/i18n.py            # 40 rounds of 25 renders of each page, per variant
    python bench/i18n.py --quick    # 10 rounds of 10

Flask-Babel's template `_` finds the catalogue again for every string (app, locale, cache key);
the app finds it once per render and binds `_`, `gettext` and `ngettext` to it
(i18n.bind_template_translations). The baseline is the same app without that binding, so with
Flask-Babel's own template callables. The two apps share one fresh SQLite file with the demo
data, production settings and Spanish pages; both must render identical pages, and short rounds
alternate between them so both see the same machine. Times are the process's CPU time, which
other work on a busy machine disturbs far less than the clock. The pages: the catalogue (the
busiest page, 27 strings from templates) and a fair's page (about 200 strings, all but 11 in
its booth map, drawn in Python, which the binding does not reach). The last line printed is one
JSON object with the figures.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from marketplace.app import create_app  # noqa: E402
from marketplace.core import i18n  # noqa: E402
from marketplace.core.extensions import db  # noqa: E402

HEADERS = {"Accept-Language": "es"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 rounds of 10 renders")
    parser.add_argument("--rounds", type=int, help="rounds (overrides --quick)")
    parser.add_argument("--renders", type=int, help="renders of each page per round")
    args = parser.parse_args()
    rounds = args.rounds or (10 if args.quick else 40)
    renders = args.renders or (10 if args.quick else 25)
    with tempfile.TemporaryDirectory(prefix="bench-i18n-") as tmp:
        print(json.dumps(run(Path(tmp), rounds, renders)))


def run(tmp: Path, rounds: int, renders: int) -> dict:
    config = {
        "APP_ENV": "production",
        "SECRET_KEY": "bench-i18n",
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "INSTANCE_PATH": str(tmp / "instance"),
    }
    with mock.patch.object(i18n, "bind_template_translations", lambda app: None):
        flask_babel_app = create_app(config)
    bound_app = create_app(config)
    pages = build(flask_babel_app)
    clients = {"flask_babel": flask_babel_app.test_client(), "bound": bound_app.test_client()}
    for url in pages.values():
        html = {
            name: client.get(url, headers=HEADERS).get_data() for name, client in clients.items()
        }
        assert html["flask_babel"] == html["bound"], f"{url} renders differently"

    times = {(page, name): [] for page in pages for name in clients}
    for r in range(rounds):
        order = list(clients) if r % 2 == 0 else list(reversed(clients))
        for page, url in pages.items():
            for name in order:
                times[page, name].append(render_ms(clients[name], url, renders))

    result = {"bench": "i18n", "rounds": rounds, "renders": renders}
    print(f"{rounds} rounds of {renders} renders; median CPU ms per render (Spanish, SQLite)")
    for page, url in pages.items():
        plain = statistics.median(times[page, "flask_babel"])
        bound = statistics.median(times[page, "bound"])
        saved = (plain - bound) / plain
        print(
            f"{page:10} {url:28} Flask-Babel {plain:6.2f}  bound per render {bound:6.2f}"
            f"  ratio {bound / plain:.3f}  ({saved:+.1%} of the page saved)"
        )
        result[page] = {
            "flask_babel_ms": round(plain, 3),
            "bound_ms": round(bound, 3),
            "ratio": round(bound / plain, 3),
        }
    return result


def build(app) -> dict[str, str]:
    """The demo data; the pages to render."""
    from fairs.fairs.models import Fair
    from marketplace.demo import load_demo

    with app.app_context():
        upgrade()
        load_demo()
        fair = db.session.scalars(db.select(Fair).order_by(Fair.id)).first()
        db.session.remove()
    return {"catalogue": "/catalog", "fair": f"/fairs/{fair.slug}"}


def render_ms(client, url: str, renders: int) -> float:
    started = time.process_time()
    for _ in range(renders):
        response = client.get(url, headers=HEADERS)
        assert response.status_code == 200, (url, response.status_code)
    return (time.process_time() - started) * 1000 / renders


if __name__ == "__main__":
    main()
