"""The entrepreneur's products (/me/products) and organisers' moderation of any product."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core import submissions
from marketplace.core.auth.access import entrepreneur_required, staff_required
from marketplace.core.auth.models import Role
from marketplace.core.database import db
from marketplace.core.errors import error_response
from marketplace.core.inputs import page_number
from marketplace.core.storage import get_storage
from vendors.photos import cli as image_cli
from vendors.photos.images import image_error
from vendors.photos.uploads import MAX_PHOTOS, PhotoErrors, check_photo_count
from vendors.products import services as products
from vendors.products.forms import AltTextForm, ModerationForm, ProductForm
from vendors.profiles.services import find_profile

PAGE_SIZE = 20
#: Pages that receive photos: a body over MAX_CONTENT_LENGTH re-renders them with a message.
UPLOAD_ENDPOINTS = {"products.new", "products.edit"}


def _setup(state):
    state.app.jinja_env.globals["media_url"] = lambda key: get_storage().url(key)
    image_cli.init_app(state.app)


@entrepreneur_required
def index():
    vendor = find_profile(current_user)
    page = None
    if vendor is not None:
        page = db.paginate(
            products.list_products(vendor),
            page=page_number(),
            per_page=PAGE_SIZE,
            error_out=False,
        )
    return render_template("products/index.html", vendor=vendor, page=page)


@entrepreneur_required
def new():
    once = submissions.claim("product.create") if request.method == "POST" else None
    vendor = find_profile(current_user)
    if vendor is None:
        flash(_("Please fill in your business profile first, then add your products."), "info")
        return redirect(url_for("vendors.edit_profile"))
    form = ProductForm()
    if form.validate_on_submit():
        try:
            photos = _checked_photos(form, existing=0)
            product = products.create_product(vendor, form.fields(), photos.images)
        except PhotoErrors as e:
            form.photos.errors = list(e.messages)
        else:
            response = submissions.done(
                once, url_for(".index"), _("“%(title)s” was saved.", title=product.title)
            )
            db.session.commit()
            photos.after_commit()
            return response
    return _form_page(form, None, 422 if form.is_submitted() else 200)


@entrepreneur_required
def edit(product_id: int):
    product = products.get_own_product(product_id)
    form = ProductForm(product=product)
    if form.validate_on_submit():
        try:
            photos = _checked_photos(form, existing=len(product.photos))
            products.update_product(product, form.fields(), photos.images)
        except PhotoErrors as e:
            form.photos.errors = list(e.messages)
        else:
            db.session.commit()
            photos.after_commit()
            flash(_("Your changes were saved."), "success")
            return redirect(url_for(".index"))
    return _form_page(form, product, 422 if form.is_submitted() else 200)


def _checked_photos(form: ProductForm, existing: int):
    uploads = form.uploads()
    check_photo_count(existing, len(uploads))
    return products.prepare_photos(uploads)


def _form_page(form: ProductForm, product, status: int):
    return render_template(
        "products/form.html", form=form, product=product, max_photos=MAX_PHOTOS
    ), status


def _too_large(_e):
    """The same form with a message instead of a bare error page. The body was never read, so
    a new product's typed fields are lost; an edited one shows its saved values."""
    # With CSRF on, this is raised before the view and its sign-in check have run.
    signed_in = current_user.is_authenticated and current_user.has_role(Role.ENTREPRENEUR)
    if request.endpoint not in UPLOAD_ENDPOINTS or not signed_in:
        return error_response(413)
    product = None
    if request.endpoint == "products.edit":
        product = products.get_own_product(request.view_args["product_id"])
    form = ProductForm(formdata=None, product=product)
    form.photos.errors = [image_error("too_large").message]
    return _form_page(form, product, 413)


@entrepreneur_required
def photos(product_id: int):
    product = products.get_own_product(product_id)
    return render_template("products/photos.html", product=product, form=AltTextForm())


@entrepreneur_required
def move_photo(product_id: int, photo_id: int):
    product = products.get_own_product(product_id)
    photo = products.get_own_photo(product, photo_id)
    products.move_photo(product, photo, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for(".photos", product_id=product.id, _anchor=f"photo-{photo.id}"))


@entrepreneur_required
def photo_alt(product_id: int, photo_id: int):
    product = products.get_own_product(product_id)
    photo = products.get_own_photo(product, photo_id)
    form = AltTextForm()
    if not form.validate():
        flash(" ".join(form.alt_text.errors), "error")
        return redirect(url_for(".photos", product_id=product.id))
    products.set_alt_text(photo, form.alt_text.data)
    db.session.commit()
    flash(_("The photo description was saved."), "success")
    return redirect(url_for(".photos", product_id=product.id, _anchor=f"photo-{photo.id}"))


@entrepreneur_required
def remove_photo(product_id: int, photo_id: int):
    product = products.get_own_product(product_id)
    products.remove_photo(product, products.get_own_photo(product, photo_id))
    db.session.commit()
    flash(_("The photo was removed."), "success")
    return redirect(url_for(".photos", product_id=product.id))


@entrepreneur_required
def visibility(product_id: int):
    product = products.get_own_product(product_id)
    visible = request.form.get("visible") == "1"
    products.set_visible(product, visible)
    db.session.commit()
    if visible:
        flash(_("“%(title)s” is shown again.", title=product.title), "success")
    else:
        flash(_("“%(title)s” is hidden from the catalogue.", title=product.title), "success")
    return redirect(url_for(".index"))


@entrepreneur_required
def delete(product_id: int):
    product = products.get_own_product(product_id)
    if request.method == "GET":
        return render_template("products/delete.html", product=product)
    products.delete_product(product)
    db.session.commit()
    flash(_("“%(title)s” was deleted.", title=product.title), "success")
    return redirect(url_for(".index"))


@staff_required
def moderate(product_id: int):
    product = products.get_product_for_moderation(product_id)
    form = ModerationForm()
    if request.method == "POST" and request.form.get("action") == "restore":
        products.restore_by_organiser(product, current_user)
        db.session.commit()
        flash(_("The product is no longer hidden by organisers."), "success")
        return redirect(url_for(".moderate", product_id=product.id))
    if form.validate_on_submit():
        products.hide_by_organiser(product, current_user, form.reason.data)
        db.session.commit()
        flash(_("The product is hidden. The entrepreneur sees your reason."), "success")
        return redirect(url_for(".moderate", product_id=product.id))
    status = 422 if form.is_submitted() else 200
    return render_template("products/moderate.html", product=product, form=form), status
