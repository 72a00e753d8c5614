"""The home page: the next fair, what is new, and where to start looking."""

from flask import render_template

from fairs.fairs.queries import upcoming_fairs
from marketplace.catalog import queries
from marketplace.core.timeutil import local_today
from vendors.taxonomy import category_labels


def index():
    fairs = upcoming_fairs(local_today())
    counts = queries.category_counts()
    return render_template(
        "home.html",
        fairs=fairs,
        categories=[
            (code, label, counts[code])
            for code, label in category_labels().items()
            if code in counts
        ],
        newest=queries.newest_products(limit=8),
        featured=queries.featured_products(fairs[0].id) if fairs else [],
    )
