def test_healthz_reports_both_stores(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["content_store"]["ok"] and body["checks"]["blob_store"]["ok"]


# -- one trusted origin for every absolute link ----------------------------------------------------
EVIL_HOST = "sgoodie-login.evil.example"


def _site_app(tmp_path, **config):
    from sgoodie import create_app

    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "SITE_URL": "https://sgoodie.example",
            **config,
        }
    )


def test_external_urls_come_from_the_site_url_whatever_the_host_header_says(tmp_path):
    from flask import url_for

    app = _site_app(tmp_path)
    headers = {"Host": EVIL_HOST, "X-Forwarded-Host": EVIL_HOST, "X-Forwarded-Proto": "http"}
    with app.test_request_context("/contact", headers=headers, base_url=f"http://{EVIL_HOST}"):
        assert url_for("public.about", _external=True) == "https://sgoodie.example/about"
        assert url_for("public.home", _external=True, _anchor="work") == "https://sgoodie.example/#work"
        assert url_for("public.about") == "/about"  # relative links stay relative
    # A job or a command (no request) gets the same origin, without SERVER_NAME.
    with app.app_context():
        assert url_for("public.category", category="travel") == "https://sgoodie.example/work/travel"


def test_the_plugin_api_builds_absolute_links_on_the_trusted_origin(tmp_path):
    from sgoodie.plugin_api import absolute_url, external_url

    app = _site_app(tmp_path)
    with app.test_request_context("/", headers={"Host": EVIL_HOST}):
        assert external_url("public.about") == "https://sgoodie.example/about"
        assert absolute_url("/journal/") == "https://sgoodie.example/journal/"
    local = _site_app(tmp_path, SITE_URL="")
    with local.test_request_context("/", base_url="http://127.0.0.1:5000"):  # local development
        assert external_url("public.about") == "http://127.0.0.1:5000/about"


def test_a_plugin_page_canonical_keeps_the_script_root(tmp_path):
    from sgoodie.plugin_api import page_meta

    app = _site_app(tmp_path)
    with app.app_context():
        from sgoodie.services import services

        services().store.init_schema()
    with app.test_request_context("/contact", environ_overrides={"SCRIPT_NAME": "/shop"}):
        assert page_meta("Contact").canonical == "https://sgoodie.example/shop/contact"
