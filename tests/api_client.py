"""Helpers for the API tests: a token for a person, a walk over every page, schema checks."""
from __future__ import annotations

import threading
from functools import cache

from openapi_schema_validator import OAS31Validator

from meetings.api.openapi import document
from meetings.extensions import db
from meetings.models import Person
from meetings.services import api_tokens
from tests.fixed_time import pinned_now


def bearer(person: Person, *, read_only: bool = True, expires_at=None) -> dict:
    """Headers carrying a new token of ``person`` (committed)."""
    _, plaintext = api_tokens.issue(person, person, "测试脚本", read_only=read_only, expires_at=expires_at,
                                    now=pinned_now())
    db.session.commit()
    return {"Authorization": f"Bearer {plaintext}"}


def get_json(client, url: str, headers: dict, status: int = 200) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True))
    return response.get_json(force=True)


def walk(client, url: str, headers: dict, schema: str | None = None) -> list[dict]:
    """Every item of a list, following ``next``; no item may come twice."""
    items, seen = [], set()
    while url:
        page = get_json(client, url, headers)
        if schema:
            assert_matches(page, schema)
        for item in page["items"]:
            key = item.get("id")
            assert key not in seen, f"{key} came twice"
            seen.add(key)
        items += page["items"]
        url = page["next"]
    return items


@cache
def _components() -> dict:
    return document("http://orglife.test/api/v1")["components"]


def assert_matches(body: dict, schema: str) -> None:
    """``body`` is what the OpenAPI document says ``schema`` is."""
    validator = OAS31Validator({"$ref": f"#/components/schemas/{schema}", "components": _components()},
                               format_checker=OAS31Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], errors[:5]


def send(client, method: str, url: str, headers: dict, body=None, status: int = 200, **extra):
    """A write with a JSON body; the answer must have ``status`` (the body is shown if not)."""
    response = client.open(url, method=method, headers={**headers, **extra.pop("more_headers", {})},
                           json=body, **extra)
    assert response.status_code == status, (method, url, response.status_code,
                                            response.get_data(as_text=True)[:800])
    return response


def problem_fields(response) -> set[str]:
    """The members a 422 names."""
    body = response.get_json(force=True)
    assert body["type"].endswith("/validation") and response.mimetype == "application/problem+json"
    return {e["field"] for e in body["errors"]}


def at_once(app, monkeypatch, module, service: str, requests: list) -> list[int]:
    """Send ``requests`` (method, url, json, headers) from two threads that both get past the
    view's own checks before either enters ``module.service``: the race a lock must settle.
    Returns the statuses in arrival order."""
    both_checked = threading.Barrier(len(requests), timeout=10)
    original = getattr(module, service)

    def after_the_check(*args, **kwargs):
        both_checked.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, service, after_the_check)
    statuses = []

    def send_one(method: str, url: str, body, headers: dict) -> None:
        statuses.append(app.test_client().open(url, method=method, json=body, headers=headers).status_code)

    threads = [threading.Thread(target=send_one, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses
