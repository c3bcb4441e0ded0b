"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 description of every route of the API.

Kept next to the routes as plain data; a test checks that every rule under /api/v1 is here
and that the document validates.
"""
from __future__ import annotations

from flask import request

from meetings.api import bp
from meetings.api.openapi_schemas import SCHEMAS, ref
from meetings.api.output import json_response
from meetings.api.params import DEFAULT_PER_PAGE, MAX_PER_PAGE
from meetings.api.problems import MEDIA_TYPE, TYPE_BASE
from meetings.domain.terms import MeetingStatus

VERSION = "1.0.0"


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


PAGING = [
    _param("per_page", "query", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                 "default": DEFAULT_PER_PAGE}, "items per page"),
    _param("after", "query", {"type": "integer", "minimum": 0},
           "continue after this id (take `next` rather than building it)"),
]
PERIOD = {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$", "examples": ["2026-Q2"]}
ERRORS = {"400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
          "405": "MethodNotAllowed", "429": "TooManyRequests", "500": "ServerError"}


def _problem(description: str, schema: str = "Problem") -> dict:
    return {"description": description, "content": {MEDIA_TYPE: {"schema": ref(schema)}}}


RESPONSES = {
    "BadRequest": _problem("the request cannot be read"),
    "Unauthorized": {**_problem("no token, or not a live one"), "headers": {
        "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="OrgLife"'}}},
    "Forbidden": _problem("visible, but not the caller's to use (or a read-only token writing)"),
    "NotFound": _problem("does not exist, or is outside the caller's view"),
    "MethodNotAllowed": _problem("this path does not take that method"),
    "Invalid": _problem("a parameter was refused; `errors` names each", "ValidationProblem"),
    "TooManyRequests": _problem("over the per-token rate limit"),
    "ServerError": _problem("a fault on our side; nothing half-written was kept"),
}


def _get(summary: str, schema: str, params: list | None = None, *, invalid: bool = False,
         public: bool = False) -> dict:
    """A GET operation; ``summary`` is "operationId: what it returns"."""
    responses = {"200": {"description": "OK", "content": {"application/json": {"schema": ref(schema)}}}}
    responses |= {code: {"$ref": f"#/components/responses/{name}"} for code, name in ERRORS.items()}
    if invalid:
        responses["422"] = {"$ref": "#/components/responses/Invalid"}
    operation_id, _, text = summary.partition(": ")
    operation = {"operationId": operation_id, "summary": text, "parameters": params or [],
                 "responses": responses}
    if public:
        operation["security"] = []
    return {"get": operation}


def _id(name: str) -> dict:
    return _param(name, "path", {"type": "integer", "minimum": 1}, "id")


PATHS = {
    "/organizations": _get("listOrganizations: units the caller may view", "OrganizationPage", PAGING,
                           invalid=True),
    "/organizations/{org_id}": _get("getOrganization: one unit", "Organization", [_id("org_id")]),
    "/meetings": _get("listMeetings: meetings the caller may see", "MeetingPage", [
        _param("org", "query", {"type": "integer", "minimum": 1}, "only this unit and the units under it"),
        _param("type", "query", {"type": "string"}, "meeting type code, e.g. theme_day"),
        _param("period", "query", PERIOD, "2026, 2026-Q2 or 2026-05 (Beijing dates)"),
        _param("status", "query", {"type": "string", "enum": [str(s) for s in MeetingStatus]}, "status"),
        *PAGING], invalid=True),
    "/meetings/{meeting_id}": _get("getMeeting: one meeting", "Meeting", [_id("meeting_id")]),
    "/meetings/{meeting_id}/minutes": _get("getMinutes: final minutes (drafts for their writers)",
                                           "Minutes", [_id("meeting_id")]),
    "/requirements": _get("listRequirements: every version of every requirement", "RequirementPage",
                          PAGING, invalid=True),
    "/compliance": _get("getCompliance: the dashboard's numbers for one unit and period", "Compliance", [
        _param("org", "query", {"type": "integer", "minimum": 1}, "the unit (default: the caller's first)"),
        _param("period", "query", PERIOD, "default: this year"),
        _param("type", "query", {"type": "string"}, "only this meeting type (code)")], invalid=True),
    "/openapi.json": _get("getOpenApi: this document", "OpenApiDocument", public=True),
}


def document(server: str) -> dict:
    """The whole description, with ``server`` (this deployment's /api/v1) as its base URL."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "OrgLife API (组织生活)", "version": VERSION,
                 "description": "Read access to units, meetings, minutes, requirements and compliance "
                                f"with a personal access token. Problem types: {TYPE_BASE}<slug>."},
        "servers": [{"url": server}],
        "security": [{"bearerToken": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer",
                                                "description": "a personal access token, olt_…"}},
            "schemas": SCHEMAS | {"OpenApiDocument": {"type": "object"}},
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document (public: it describes the API, it gives no access)."""
    return json_response(document(request.host_url.rstrip("/") + bp.url_prefix))
