"""Schemathesis against /api/v1: every operation of the OpenAPI document, generated from it.

No 5xx, and every answer (problems too) has a documented status, media type, headers and body.
Spec-driven: an operation added to ``openapi.py`` is tested here without a change to this file
(test_api checks that /api/v1/openapi.json serves exactly ``document()``).
Deterministic (``derandomize``), bounded (``max_examples``), no example database kept.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from meetings.api.openapi import document
from meetings.extensions import db
from tests.api_scene import CHECKS, Scene, populate

SERVER = "http://orglife.test/api/v1"
# A read-only token is refused before the body is read (``auth.require_token``): the coverage
# phase's hundreds of bodies per write would all meet that one 403, which fuzzing already sends
# 25 times, and their 401/405 variants are the administrator's too.
READ_ONLY = schemathesis.Config.from_dict({"operations": [
    {"include-method": ["POST", "PUT", "PATCH", "DELETE"], "phases": {"coverage": {"enabled": False}}}]})
schema = schemathesis.openapi.from_dict(document(SERVER))
read_only_schema = schemathesis.openapi.from_dict(document(SERVER), config=READ_ONLY)
# Scenarios go from one real object to the next: a refused request (fuzzed above) would end them.
linked_schema = schemathesis.openapi.from_dict(
    document(SERVER), config=schemathesis.Config.from_dict({"generation": {"mode": "positive"}}))
# The scene is per test on purpose: each example starts by restoring it (Scene.start).
FUZZ = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
SCENARIOS = settings(FUZZ, max_examples=20, stateful_step_count=6, phases=[Phase.generate])
ROLES = ["as_admin", "as_member"]


@pytest.fixture
def populated(app, world, monkeypatch):
    """The world with its meetings; the per-token limit lifted (429 is tested in test_api)."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    populate(world)
    db.session.commit()
    return world


@pytest.fixture
def as_admin(app, populated) -> Scene:
    """管理员 with a read-write token: sees everything, may write."""
    return Scene(app, "admin", read_only=False).open(populated)


@pytest.fixture
def as_member(app, populated) -> Scene:
    """A member of a1 with a read-only token: every write is a 403 problem."""
    return Scene(app, "member", read_only=True).open(populated)


@schema.parametrize()
@FUZZ
def test_read_write_token_of_an_administrator(case, as_admin):
    as_admin.exercise(case)


@read_only_schema.parametrize()
@FUZZ
def test_read_only_token_of_a_member(case, as_member):
    as_member.exercise(case)


@pytest.mark.parametrize("role", ROLES)
def test_every_object_of_the_world_by_its_id(request, subtests, role):
    """Each id that exists, on each GET path that takes ids: real objects, not only 404s."""
    scene = request.getfixturevalue(role)
    for result in schema.get_all_operations():
        operation = result.ok()
        names = [p.name for p in operation.path_parameters]
        if operation.method.upper() != "GET" or not names:
            continue
        with subtests.test(operation.label):
            statuses = [scene.exercise(operation.Case(path_parameters=ids)).status_code
                        for ids in scene.path_ids(names)]
            assert 200 in statuses, f"nothing of the world shown to {role}: {statuses}"


@pytest.mark.parametrize("role", ROLES)
def test_links_lead_from_lists_to_the_objects_in_them(request, role):
    """Stateful: ids read from responses (links schemathesis infers) feed the next request, and a
    write that needs ``If-Match`` gets the object's current ETag, so that it can succeed."""
    scene = request.getfixturevalue(role)

    class Workflow(linked_schema.as_state_machine()):
        def setup(self):
            scene.start()

        def call(self, case, **kwargs):
            if case.headers and "If-Match" in case.headers:
                case.headers["If-Match"] = scene.current_etag(case) or case.headers["If-Match"]
            return scene.call(case)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, recorder=self.recorder)

    Workflow.run(settings=SCENARIOS)
