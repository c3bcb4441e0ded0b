"""The scale province's history, written after its rows (seed-scale fills an empty database):
one membership span per person, one committee span per seat and one version of each unit's
name and place, since before records, and each meeting's versions of its compliance facts from
its time stamps — planned when created (by its start at the latest), held when attendance was
recorded, final when its minutes were, cancelled when last changed — so the dashboard's as-of
views have the same data to read as a site that grew day by day. The demo's bulk-written year
takes its meetings' versions from here too."""
from __future__ import annotations

import sqlalchemy as sa

_SPANS = (
    "INSERT INTO membership_span (person_id, branch_id, party_group_id, category, status) "
    "SELECT id, branch_id, party_group_id, category, status FROM person",
    "INSERT INTO committee_span (branch_id, person_id, valid_from) "
    "SELECT branch_id, person_id, since FROM committee_seat",
    "INSERT INTO unit_version (organization_id, name, parent_id, path) "
    "SELECT id, name, parent_id, path FROM organization",
)
_COLUMNS = ("meeting_id, version, recorded_at, type_id, organization_id, party_group_id, campaign_id, "
            "starts_at, ends_at, status, attributed_year, attendance_recorded, quorum_met, minutes_final, "
            "minutes_late, minutes_final_at")
_FROM = ("FROM meeting m JOIN meeting_meeting_type t ON t.meeting_id = m.id "
         "LEFT JOIN minutes mi ON mi.meeting_id = m.id")
_COMMON = "m.organization_id, m.party_group_id, m.campaign_id, m.starts_at, m.ends_at"
# A meeting planned ahead was known by its start at the latest (the demo's hand-made ones are
# created when seeded); a 补录 only from when it was entered.
_PLANNED = ("CASE WHEN m.created_at > m.starts_at AND NOT m.is_late_record THEN m.starts_at "
            "ELSE m.created_at END")
# (version, recorded at, status, attendance recorded, quorum, minutes final, late, final at, which)
_STEPS = (
    (1, _PLANNED, "'scheduled'", "FALSE", "NULL", "FALSE", "FALSE", "NULL", "TRUE"),
    (2, "m.attendance_recorded_at", "'held'", "TRUE", "m.quorum_met", "FALSE", "FALSE", "NULL",
     "m.attendance_recorded_at IS NOT NULL"),
    (3, "mi.finalized_at", "'held'", "m.attendance_recorded_at IS NOT NULL", "m.quorum_met", "TRUE",
     "mi.is_late", "mi.finalized_at", "mi.state = 'final' AND mi.finalized_at IS NOT NULL"),
    (4, "m.updated_at", "m.status", "m.attendance_recorded_at IS NOT NULL", "m.quorum_met",
     "COALESCE(mi.state = 'final', FALSE)", "COALESCE(mi.state = 'final' AND mi.is_late, FALSE)",
     "CASE WHEN mi.state = 'final' THEN mi.finalized_at END", "m.status <> 'held'"),
)


def write(conn: sa.Connection) -> None:
    for statement in _SPANS:
        conn.exec_driver_sql(statement)
    write_versions(conn)


def write_versions(conn: sa.Connection, branch_ids: list[int] | None = None) -> None:
    """The versions of every meeting (or of the meetings of ``branch_ids``) from its stamps."""
    scope = "TRUE"
    if branch_ids is not None:  # ids, not text: int() keeps anything else out of the statement
        listed = ", ".join(str(int(i)) for i in branch_ids)
        scope = f"m.organization_id IN ({listed})" if listed else "FALSE"
    for version, recorded, status, attended, quorum, final, late, final_at, which in _STEPS:
        conn.exec_driver_sql(
            f"INSERT INTO meeting_fact_version ({_COLUMNS}) SELECT m.id, {version}, {recorded}, "
            f"t.meeting_type_id, {_COMMON}, {status}, m.attributed_year, {attended}, {quorum}, {final}, "
            f"{late}, {final_at} {_FROM} WHERE ({which}) AND {scope}")
