"""Settings parsed from the environment: refused with the variable's name when unusable."""

from __future__ import annotations

import pytest

from sgoodie.config import ConfigError, load


def test_the_site_url_is_an_origin_and_nothing_else():
    assert load({"SGOODIE_SITE_URL": "https://SGoodie.com/"})["SITE_URL"] == "https://sgoodie.com"
    assert load({"SGOODIE_SITE_URL": "http://localhost:8000"})["SITE_URL"] == "http://localhost:8000"
    for bad in ("https://sgoodie.com/portfolio", "https://user:pw@sgoodie.com", "sgoodie.com", "https://"):
        with pytest.raises(ConfigError, match="SGOODIE_SITE_URL"):
            load({"SGOODIE_SITE_URL": bad})


def test_allowed_hosts_are_a_list_of_host_names():
    assert load({"SGOODIE_ALLOWED_HOSTS": "sgoodie.com, WWW.sgoodie.com"})["ALLOWED_HOSTS"] == (
        "sgoodie.com",
        "www.sgoodie.com",
    )
    assert load({})["ALLOWED_HOSTS"] == ()
    with pytest.raises(ConfigError, match="SGOODIE_ALLOWED_HOSTS"):
        load({"SGOODIE_ALLOWED_HOSTS": "https://sgoodie.com"})


def test_trusted_proxies_are_addresses_or_ranges_one_list_for_gunicorn_and_the_app():
    settings = load({"SGOODIE_TRUSTED_PROXIES": " 10.40.128.0/20, 10.40.144.0/20 ,127.0.0.1"})
    assert settings["TRUSTED_PROXIES"] == "10.40.128.0/20,10.40.144.0/20,127.0.0.1"
    assert load({"SGOODIE_TRUSTED_PROXIES": "*"})["TRUSTED_PROXIES"] == "*"
    with pytest.raises(ConfigError, match="SGOODIE_TRUSTED_PROXIES.*'the-alb'"):
        load({"SGOODIE_TRUSTED_PROXIES": "10.0.0.1,the-alb"})
