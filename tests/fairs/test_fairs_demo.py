"""Demo data: every demo fair has a booth layout, and a finished fair sits in the recent past."""

from fairs.demo import PAST_FAIR_SLUG
from fairs.fairs.models import Fair
from fairs.layout.models import Booth
from marketplace.core.database import db
from marketplace.core.timeutil import local_today
from marketplace.demo import load_demo


def test_demo_fairs_have_layouts_and_loading_twice_changes_nothing(app):
    load_demo()
    load_demo()
    fairs = db.session.scalars(db.select(Fair).order_by(Fair.starts_on)).all()
    assert len(fairs) == 4
    past = fairs[0]
    assert past.slug == PAST_FAIR_SLUG and past.status == "finished"
    assert 0 < (local_today() - past.starts_on).days <= 31
    for fair in fairs:
        booths = fair.booths
        assert len(booths) == 32
        assert any(b.zone == "food" for b in booths)
        assert any(b.has_power for b in booths)
        assert sum(b.unavailable for b in booths) == 2
    assert db.session.scalar(db.select(db.func.count(Booth.id))) == 128
