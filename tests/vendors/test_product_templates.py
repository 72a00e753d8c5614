"""The picture macro other pages share, and the dashboard's products panel."""

from flask import render_template_string

from tests.panels import render_panel
from vendors.photos.models import Image

PICTURE = '{% from "macros/images.html" import picture %}{{ picture(image, "50vw", "Miel") }}'


def image_with_variants() -> Image:
    variants = [
        {"width": w, "height": w * 3 // 4, "format": f, "key": f"img/ab/abc/{w}.{f}"}
        for w in (1280, 640, 320)
        for f in ("webp", "jpg")
    ]
    return Image(hash="abc", width=1280, height=960, variants=variants)


def test_picture_offers_webp_and_jpeg_at_every_width_without_layout_shift(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template_string(PICTURE, image=image_with_variants())
    assert '<source type="image/webp" sizes="50vw"' in html
    assert "/media/img/ab/abc/1280.webp 1280w, /media/img/ab/abc/640.webp 640w" in html
    assert "/media/img/ab/abc/320.jpg 320w" in html
    assert 'src="/media/img/ab/abc/640.jpg"' in html
    assert 'width="1280" height="960" alt="Miel" loading="lazy"' in html


def test_picture_without_variants_is_a_placeholder(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_template_string(PICTURE, image=None)
    assert "picture-placeholder" in html and 'aria-label="Miel"' in html


def test_the_dashboard_panel_counts_products_and_offers_the_next_one(app, make):
    vendor = make.product_vendor()
    make.product(vendor=vendor, stock=0)
    make.product(vendor=vendor, stock=None)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_panel("vendors/_dash_products.html", vendor.user)
    assert "2 products" in html and "1 out of stock" in html and "/me/products/new" in html


def test_the_dashboard_panel_before_a_profile(app, make):
    user = make.user()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        html = render_panel("vendors/_dash_products.html", user)
    assert "Fill in your business profile" in html
