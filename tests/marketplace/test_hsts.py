"""Strict-Transport-Security: sent by production on every response, unless turned off."""

import pytest

from marketplace.app import create_app

HSTS = "max-age=31536000; includeSubDomains"


def production(tmp_path, **overrides):
    return create_app(
        {
            "APP_ENV": "production",
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            **overrides,
        }
    )


@pytest.mark.parametrize("path", ["/healthz", "/no-such-page", "/static/css/app.css"])
def test_production_sends_it_on_every_response(tmp_path, monkeypatch, path):
    monkeypatch.delenv("HSTS", raising=False)
    with production(tmp_path).test_client().get(path) as response:
        assert response.headers["Strict-Transport-Security"] == HSTS


@pytest.mark.parametrize("value", ["0", "false", "off", "No"])
def test_hsts_off_in_the_environment_leaves_it_to_the_proxy(tmp_path, monkeypatch, value):
    monkeypatch.setenv("HSTS", value)
    app = production(tmp_path)
    assert app.config["HSTS"] is False
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers


def test_the_setting_in_instance_config_turns_it_off_too(tmp_path, monkeypatch):
    monkeypatch.delenv("HSTS", raising=False)
    response = production(tmp_path, HSTS=False).test_client().get("/healthz")
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("env", ["development", "testing"])
def test_development_and_tests_do_not_send_it(tmp_path, monkeypatch, env):
    monkeypatch.delenv("HSTS", raising=False)
    app = create_app({"APP_ENV": env, "INSTANCE_PATH": str(tmp_path)})
    assert "Strict-Transport-Security" not in app.test_client().get("/healthz").headers


def test_the_default_client_of_the_suite_gets_none(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
