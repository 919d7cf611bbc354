"""The access matrix: every declared route × every persona (and anonymous) × objects inside and outside
the persona's scope. Each persona reaches exactly what ``expectations.REACH`` says; anything else is
404 (existence private) — never 403 for a scoped object, never a 5xx.

One test per persona builds the world once and probes every route, then reports every mismatch at once.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from PIL import Image

from dangqun.accounts.models import User
from tests.access.expectations import (
    PERSONAS,
    POSITIONS,
    REACH,
    REGISTRY_TARGETS,
    ROUTES,
    Spec,
)
from tests.access.routes import API_PREFIX, all_routes
from tests.access.world import Pos, World, build_world

_PARAM = re.compile(r"\{\w+\}")
CASE_TITLE_MARK = "矩阵"


def test_every_route_is_declared(db):
    undeclared = []
    for route in all_routes():
        if route.path.startswith("/admin"):
            continue
        if route.methods:
            undeclared += [k for k in route.keys if k not in ROUTES]
        elif not any(k.split(" ", 1)[1] == route.path for k in ROUTES):
            undeclared.append(f"* {route.path}")
    assert undeclared == [], f"declare these routes in tests/access/expectations.py: ROUTES: {undeclared}"


def test_declared_routes_exist(db):
    existing = {route.path for route in all_routes()}
    gone = [
        key for key, spec in ROUTES.items() if spec.kind != "skip" and key.split(" ", 1)[1] not in existing
    ]
    assert gone == [], f"these declared routes no longer exist: update ROUTES: {gone}"


# --- probing -------------------------------------------------------------------------------------------


def _png_upload() -> Any:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 120, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "p.png"
    return buffer


def _request(
    client: Client, key: str, url: str, body: dict[str, Any] | None = None, form: dict[str, Any] | None = None
) -> HttpResponse:
    method, path = key.split(" ", 1)
    if form is not None:
        return client.post(url, form)
    if path.endswith("/attachments"):
        return client.post(url, {"file": _png_upload(), "stage": "report"})
    if method == "GET":
        return client.get(url)
    if path.startswith(API_PREFIX):
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json")
    return client.generic(method, url)


def _send(  # noqa: PLR0917 - the probe's coordinates
    client: Client, key: str, spec: Spec, world: World, pos: Pos | None = None, query: str = ""
) -> int:
    if pos is None:
        pos = POSITIONS.get(spec.reach_key, (Pos.GRID,))[0]
    body = spec.body(world) if spec.body else None
    form = spec.form(world) if spec.form else None
    return _request(client, key, _url(key, world, spec, pos) + query, body, form).status_code


def _object(world: World, target: str, pos: Pos) -> Any:  # noqa: PLR0911 - one branch per target
    if target in REGISTRY_TARGETS:
        return world.registry[target][pos]
    if target in {"region_page", "region"}:
        return world.grids[pos]
    if target == "party_org":
        return world.party_orgs[pos]
    if target == "party_member":
        return world.party_members[pos]
    if target == "party_meeting":
        return world.party_meetings[pos]
    if target == "party_transfer":
        return world.party_transfers[pos]
    if target == "party_development":
        return world.party_development[pos]
    if target == "notification":
        return world.notifications["own" if pos is Pos.OWN else "other"]
    if target == "attachment":
        return world.attachments[pos]
    if target == "import_job":
        return world.import_jobs[pos]
    return world.cases[pos]


def _url(key: str, world: World, spec: Spec, pos: Pos = Pos.GRID) -> str:
    path = key.split(" ", 1)[1]
    for name, fixed in spec.params:
        path = path.replace(f"{{{name}}}", fixed)
    if not _PARAM.search(path):
        return path
    obj = _object(world, spec.target or "case", pos)
    value = str(obj.pk) if spec.target in {"attachment", "notification"} or "_id}" in path else obj.code
    return _PARAM.sub(value, path)


def _reached(status: int) -> bool:
    return status < 500 and status not in {401, 403, 404}


def _sees(status: int) -> bool:
    """The object was found: what follows (403 for a move not theirs, 409, 422) is the workflow's."""
    return status < 500 and status not in {401, 404}


def _client_for(username: str | None) -> Client:
    client = Client(REMOTE_ADDR="10.9.9.9")
    if username is not None:
        client.force_login(User.objects.get(username=username))
    return client


def _probe_list(client: Client, key: str, spec: Spec, world: World, persona: str) -> list[str]:
    problems: list[str] = []
    path = key.split(" ", 1)[1]
    reach = REACH[spec.reach_key].get(persona, frozenset())
    if spec.target == "case":
        body = client.get(path, {"q": CASE_TITLE_MARK, "limit": 200}).json()
        seen = {item["code"] for item in body["items"]}
        expected = {world.cases[pos].code for pos in reach}
        if seen != expected:
            problems.append(f"{key}: sees {sorted(seen)}, expected {sorted(expected)}")
        return problems
    for pos in POSITIONS[spec.reach_key]:
        obj = _object(world, spec.target, pos)
        area = {"party_org": obj.code} if spec.target == "party_org" else {"region": world.grids[pos].code}
        response = client.get(path, {**area, "limit": 1000})
        if pos in reach:
            ids = [item["id"] for item in response.json()["items"]] if response.status_code == 200 else []
            if response.status_code != 200 or (spec.target != "party_org" and obj.pk not in ids):
                problems.append(f"{key} {pos}: {response.status_code}, object listed: {obj.pk in ids}")
        elif response.status_code != 404:
            problems.append(f"{key} {pos}: expected 404, got {response.status_code}")
    return problems


def _probe(key: str, spec: Spec, world: World, persona: str, problems: list[str]) -> None:
    if spec.kind == "skip":
        return
    client = _client_for(persona)
    if spec.kind == "scoped_list":
        problems += _probe_list(client, key, spec, world, persona)
        return
    if spec.kind == "scoped":
        reach = REACH[spec.reach_key].get(persona, frozenset())
        for pos in POSITIONS[spec.reach_key]:
            status = _send(client, key, spec, world, pos)
            if spec.roles and persona not in spec.roles:
                if status != spec.denied:
                    problems.append(f"{key} {pos}: expected {spec.denied} (role), got {status}")
                continue
            if (pos in reach and not _sees(status)) or (pos not in reach and status != 404):
                want = "reached" if pos in reach else "404"
                problems.append(f"{key} {pos}: expected {want}, got {status}")
        return
    status = _send(client, key, spec, world)
    if spec.kind == "open311":  # a session is no api_key
        if status != spec.anon:
            problems.append(f"{key}: expected {spec.anon} (as without a session), got {status}")
        return
    allowed = {"sysadmin": persona == "sysadmin", "roles": persona in spec.roles}.get(spec.kind)
    if allowed is False:
        if status != spec.denied:
            problems.append(f"{key}: expected {spec.denied}, got {status}")
    elif allowed and spec.allowed:
        if status != spec.allowed:
            problems.append(f"{key}: expected {spec.allowed} (past the role check), got {status}")
    elif spec.kind == "public" and spec.target == "case":  # tracking: a guessed code without the phone
        if status != 404:
            problems.append(f"{key}: a guessed code answered {status}")
    elif not _reached(status) and not (spec.kind == "public" and status == spec.anon):
        problems.append(f"{key}: expected reached, got {status}")


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_reaches_exactly_its_scope(demo, persona):
    world = build_world()
    problems: list[str] = []
    for key, spec in ROUTES.items():
        _probe(key, spec, world, persona, problems)
    assert not problems, "\n".join(problems)


def test_anonymous_reaches_only_public_routes(demo):
    world = build_world()
    problems = []
    for key, spec in ROUTES.items():
        if spec.kind == "skip":
            continue
        status = _send(_client_for(None), key, spec, world)
        if status != spec.anon:
            problems.append(f"{key}: expected {spec.anon}, got {status}")
    assert not problems, "\n".join(problems)


def test_open311_writes_need_a_valid_api_key(demo):
    """No key, an unknown key or a revoked key: 403 (GeoReport v2); a valid key gets past the check."""
    world = build_world()
    problems = []
    client = _client_for(None)
    for key, spec in ROUTES.items():
        if spec.kind != "open311" or not spec.key:
            continue
        for name in ("bad", "revoked", "good"):
            status = _send(client, key, spec, world, query=f"?api_key={world.open311_keys[name]}")
            refused = status in {401, 403}
            if status >= 500 or refused != (name != "good"):
                problems.append(f"{key} with a {name} key: got {status}")
    assert not problems, "\n".join(problems)
