"""static/js/photo-upload.js in a real browser: photos shrink before upload, the page follows
the server's redirect, a failed upload falls back to an ordinary submit, and without JavaScript
the original file is sent. Needs Chromium (Debian's `chromium` package); skipped without it."""

import io
import shutil
import threading
from pathlib import Path

import pytest
from flask import Flask, redirect, request
from PIL import Image
from werkzeug.serving import make_server

from tests import images_factory as factory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed")
STATIC = Path(__file__).resolve().parents[2] / "static"
FORM = """<!doctype html><form method="post" enctype="multipart/form-data" action="/upload">
<input name="title" value="Queso seco"><input type="file" name="photos" multiple data-shrink>
<div data-photo-preview></div><div data-upload-progress hidden><progress max="100"></progress></div>
<button name="action" value="save">Guardar</button></form>
<script src="/static/js/photo-upload.js"></script>"""


@pytest.fixture(scope="module")
def server():
    received = []
    app = Flask(__name__, static_folder=str(STATIC))
    app.add_url_rule("/upload", "form", lambda: FORM)

    @app.post("/upload")
    def upload():
        for f in request.files.getlist("photos"):
            img = Image.open(io.BytesIO(f.read()))
            received.append((f.mimetype, img.size, bool(img.getexif()), request.form["action"]))
        return redirect("/done")

    app.add_url_rule("/done", "done", lambda: "<!doctype html><h1 id=done>Listo</h1>")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", received
    httpd.shutdown()


@pytest.fixture
def phone_photo(tmp_path):
    """12 MP, stored sideways with EXIF orientation 6 and GPS, as a phone camera saves it."""
    upright = factory.upright_photo((3000, 4000))
    path = tmp_path / "IMG_0001.jpg"
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    stored.save(path, quality=92, exif=factory.gps_exif(orientation=6))
    return path


def _send(browser, url, photo, javascript=True, fail_first_post=False):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    if fail_first_post:
        posts = []

        def drop_first(route):
            posts.append(route.request.method)
            if posts.count("POST") == 1 and route.request.method == "POST":
                return route.abort()
            return route.continue_()

        page.route("**/upload", drop_first)
    page.goto(f"{url}/upload")
    page.set_input_files("input[type=file]", [str(photo)])
    if javascript:
        page.wait_for_selector("[data-photo-preview] img")
    page.click("button")
    page.wait_for_selector("#done")
    assert page.url == f"{url}/done"
    context.close()


def test_photo_is_shrunk_upright_before_upload(server, browser, phone_photo):
    url, received = server
    received.clear()
    _send(browser, url, phone_photo)
    assert received == [("image/jpeg", (1536, 2048), False, "save")]


def test_a_failed_upload_falls_back_to_an_ordinary_submit(server, browser, phone_photo):
    url, received = server
    received.clear()
    _send(browser, url, phone_photo, fail_first_post=True)
    assert received == [("image/jpeg", (1536, 2048), False, "save")]


def test_without_javascript_the_original_is_sent(server, browser, phone_photo):
    url, received = server
    received.clear()
    _send(browser, url, phone_photo, javascript=False)
    assert received == [("image/jpeg", (4000, 3000), True, "save")]
