"""The buyers' pages: the catalogue, a product, a vendor."""

from flask import render_template, request, url_for

from marketplace.catalog import cards, images, listing, pages, search, seo, stock
from marketplace.catalog.contact import public_contact
from marketplace.catalog.filters import CatalogFilters, parse_filters
from marketplace.catalog.http import conditional, page_etag
from marketplace.core.timeutil import local_today
from vendors.profiles.contact import whatsapp_link
from vendors.taxonomy import CATEGORIES, DEPARTMENTS, category_labels


def _template_helpers(state):
    state.app.jinja_env.globals.update(
        picture=images.picture,
        product_cards=cards.product_cards,
        stock_label=stock.stock_label,
        stock_state=stock.stock_state,
        CATEGORIES=CATEGORIES,
    )


def _rows_version(rows) -> tuple:
    """What a list of cards shows, cheaply: any edit moves a product's or vendor's updated_at to
    now, past every other row's, so the ids and the two newest timestamps change with it."""
    if not rows:
        return ()
    return (
        tuple(r.id for r in rows),
        max(r.updated_at for r in rows).timestamp(),
        max(r.vendor_updated_at for r in rows).timestamp(),
    )


def index():
    f = parse_filters(request.args)
    terms = search.parse_query(f.q)
    page = listing.list_products(f, terms)
    notices = [p.message for p in f.problems]
    if page.cursor_rejected:
        notices.append(seo.cursor_notice())
    suggestion = search.suggest(terms) if terms and not page.items else None
    etag = page_etag(_rows_version(page.items), page.next_cursor, notices)
    return conditional(
        etag,
        lambda: render_template(
            "catalog/index.html",
            f=f,
            page=page,
            notices=notices,
            suggestion=suggestion,
            categories=category_labels(),
            departments=DEPARTMENTS,
            canonical=seo.canonical(
                "catalog.index", **f.url_args(), cursor=None if page.cursor_rejected else f.cursor
            ),
        ),
    )


def product(product_id: int):
    item = pages.get_public_product(product_id)
    vendor = item.vendor
    visits = pages.upcoming_visits(vendor.id, local_today())
    same_vendor = listing.list_products(CatalogFilters(vendor=vendor, limit=5), [])
    more = [row for row in same_vendor.items if row.id != item.id][:4]
    etag = page_etag(
        item.updated_at,
        vendor.updated_at,
        [(p.id, p.image_id, p.alt_text) for p in item.photos],
        [(v.fair.id, v.booth_code) for v in visits],
        _rows_version(more),
        with_form=True,  # add to cart
    )
    contact = public_contact(vendor)
    return conditional(
        etag,
        lambda: render_template(
            "catalog/product.html",
            product=item,
            vendor=vendor,
            visits=visits,
            more=more,
            contact=contact,
            whatsapp=whatsapp_link(vendor, item),
            canonical=seo.canonical("catalog.product", product_id=item.id),
            json_ld=seo.product_json_ld(item),
        ),
    )


def vendor(slug: str):
    profile = pages.get_public_vendor(slug)
    f = parse_filters({"cursor": request.args.get("cursor")})
    f.vendor = profile
    page = listing.list_products(f, [])
    visits = pages.upcoming_visits(profile.id, local_today())
    notices = [seo.cursor_notice()] if page.cursor_rejected else []
    etag = page_etag(
        profile.updated_at,
        _rows_version(page.items),
        page.next_cursor,
        [(v.fair.id, v.booth_code) for v in visits],
    )
    contact = public_contact(profile)
    return conditional(
        etag,
        lambda: render_template(
            "catalog/vendor.html",
            vendor=profile,
            page=page,
            visits=visits,
            notices=notices,
            contact=contact,
            whatsapp=whatsapp_link(profile),
            og_image=seo.absolute(
                images.largest_url(profile.logo.variants if profile.logo else None)
            ),
            canonical=seo.canonical(
                "catalog.vendor", slug=profile.slug, cursor=None if notices else f.cursor
            ),
            next_url=page.next_cursor
            and url_for("catalog.vendor", slug=profile.slug, cursor=page.next_cursor),
        ),
    )
