"""JSON Schemas (OpenAPI 3.1, i.e. JSON Schema 2020-12) of what ``shapes.py`` writes."""
from __future__ import annotations

from meetings.domain.compliance import PeriodStatus
from meetings.domain.terms import AppliesTo, MeetingStatus, MinutesState, OrgKind, PeriodKind


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict, *, optional: tuple = ()) -> dict:
    """An object with exactly these properties, all required but ``optional``."""
    return {"type": "object", "properties": properties,
            "required": [p for p in properties if p not in optional], "additionalProperties": False}


def enum(values) -> dict:
    return {"type": "string", "enum": [str(v) for v in values]}


INT, STR, BOOL = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
UTC_TIME = {"type": "string", "format": "date-time", "pattern": "Z$", "description": "UTC"}
LOCAL_TIME = {"type": "string", "format": "date-time", "description": "Asia/Shanghai (+08:00)"}
DATE = {"type": "string", "format": "date"}
COUNTS = {str(s): INT for s in PeriodStatus} | {
    "done": INT, "open": INT, "total": INT,
    "rate": nullable({"type": "number", "minimum": 0, "maximum": 1})}


def page_of(item: str) -> dict:
    return obj({"items": {"type": "array", "items": ref(item)}, "next": nullable(URL)})


SCHEMAS = {
    "Problem": {
        "type": "object", "description": "RFC 9457 problem details",
        "properties": {"type": URL, "title": STR, "status": INT, "detail": STR, "instance": STR,
                       "saved": {"type": ["boolean", "null"], "description":
                                 "On a 503 (database unavailable): whether this request's change was "
                                 "committed; null when its COMMIT was sent and the answer was lost."}},
        "required": ["type", "title", "status", "detail"]},
    "ValidationProblem": {"allOf": [ref("Problem"), {
        "type": "object", "required": ["errors"],
        "properties": {"errors": {"type": "array", "items": obj({"field": STR, "message": STR})}}}]},
    "Organization": obj({"id": INT, "name": STR, "kind": enum(OrgKind), "parent_id": nullable(INT),
                         "depth": INT, "is_active": BOOL, "url": URL}),
    "MeetingType": obj({"id": INT, "code": STR, "name": STR}),
    "Attendance": obj({"recorded_at": UTC_TIME, "expected": nullable(INT), "present": nullable(INT),
                       "quorum_met": nullable(BOOL)}),
    "Meeting": obj({
        "id": INT, "organization_id": INT, "party_group_id": nullable(INT), "title": STR,
        "types": {"type": "array", "items": ref("MeetingType")}, "status": enum(MeetingStatus),
        "starts_at": UTC_TIME, "ends_at": UTC_TIME,
        "local": obj({"starts_at": LOCAL_TIME, "ends_at": LOCAL_TIME,
                      "timezone": {"const": "Asia/Shanghai"}}),
        "place": STR, "online_url": nullable(STR), "agenda": {"type": "string", "description": "Markdown"},
        "attributed_year": INT, "is_late_record": BOOL, "cancel_reason": nullable(STR),
        "campaign_id": nullable(INT), "series_id": nullable(INT), "attendance": nullable(ref("Attendance")),
        "minutes_url": nullable(URL), "url": URL, "html_url": URL}),
    "Minutes": obj({
        "meeting_id": INT, "organization_id": INT, "state": enum(MinutesState), "revision": INT,
        "body": {"type": "string", "description": "Markdown"},
        "body_html": {"type": "string", "description": "sanitized HTML of body"},
        "header": {"type": "object", "description": "应到/实到, absentees … as frozen with the text"},
        "finalized_at": nullable(UTC_TIME), "is_late": BOOL, "hash": nullable(STR), "url": URL,
        "meeting_url": URL}),
    "Requirement": obj({
        "id": INT, "requirement_id": {"type": "integer", "description": "shared by all its versions"},
        "meeting_type": ref("MeetingType"), "applies_to": enum(AppliesTo), "period": enum(PeriodKind),
        "min_count": INT, "needs_attendance": BOOL, "needs_quorum": BOOL, "needs_final_minutes": BOOL,
        "effective_from": DATE, "effective_to": nullable(DATE), "in_force": BOOL, "source": STR,
        "is_local_rule": BOOL}),
    "Counts": obj(COUNTS),
    "Cell": obj({"requirement_id": INT, **COUNTS}),
    "Column": obj({"requirement_id": INT, "meeting_type": ref("MeetingType"), "period": enum(PeriodKind),
                   "per_group": BOOL}),
    "ComplianceRow": obj({"organization_id": INT, "name": STR, "kind": enum(OrgKind),
                          "cells": {"type": "array", "items": ref("Cell")}, "total": ref("Counts")}),
    "PeriodResult": obj({"requirement_id": INT, "organization_id": INT, "period": STR,
                         "status": enum(PeriodStatus),
                         "meetings": {"type": "array", "items": obj({"id": INT, "standing": STR})}}),
    "Compliance": obj({
        "organization_id": INT, "period": STR, "as_of": DATE,
        "columns": {"type": "array", "items": ref("Column")},
        "rows": {"type": "array", "items": ref("ComplianceRow")},
        "totals": {"type": "array", "items": ref("Cell")}, "total": ref("Counts"),
        "periods": nullable({"type": "array", "items": ref("PeriodResult"),
                             "description": "a branch's periods one by one; null above the branches"})}),
    "OrganizationPage": page_of("Organization"),
    "MeetingPage": page_of("Meeting"),
    "RequirementPage": page_of("Requirement"),
}
