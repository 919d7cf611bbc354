"""Security headers on pages and API answers: CSP, Permissions-Policy, framing, sniffing, referrer."""

import pytest
from django.test import Client

from dangqun.core.security import content_security_policy, tile_source


def _directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("path", ["/login/", "/api/v1/auth/me", "/api/v1/openapi.json", "/no-such-page/"])
def test_every_answer_carries_the_policy(demo, path):
    response = Client().get(path)

    csp = _directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["worker-src"] == ["'self'"]
    assert csp["manifest-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert set(csp["img-src"]) == {"'self'", "data:", "blob:"}
    assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"]
    assert response["Permissions-Policy"].startswith("geolocation=(self), camera=(self)")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_map_tile_host_joins_img_src(settings, demo):
    settings.DANGQUN = {**settings.DANGQUN, "MAP_TILE_URL": "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=k"}

    csp = _directives(Client().get("/login/")["Content-Security-Policy"])

    assert "https://*.tianditu.gov.cn" in csp["img-src"]
    assert csp["connect-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("template", "source"),
    [
        ("", ""),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("http://10.0.0.5:8080/tiles/{z}/{x}/{y}.png", "http://10.0.0.5:8080"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("https://t{s}.tianditu.gov.cn/img_w/wmts", "https://*.tianditu.gov.cn"),
        ("https://tiles.{s}/x", ""),  # a placeholder in the domain itself would allow anything
        ("javascript:alert(1)", ""),
        ("/relative/{z}/{x}/{y}.png", ""),
    ],
)
def test_tile_source(template, source):
    assert tile_source(template) == source


def test_extra_sources_are_added_without_replacing_the_base(settings):
    settings.DANGQUN_CSP_EXTRA = {"connect-src": ["https://sso.example.org"]}

    csp = _directives(content_security_policy())

    assert csp["connect-src"] == ["'self'", "https://sso.example.org"]
    assert csp["script-src"] == ["'self'"]
