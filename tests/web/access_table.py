"""The designed answer of every HTML route to every viewpoint, for ``test_access_matrix.py``.

Each row is ``endpoint: (method, {who: answer})``; ``who`` is a role or a tuple of roles. A role
not named gets ``LOGIN`` when anonymous and ``DENIED`` when signed in. Objects in the URLs
belong to branch a1 of 党委A (see ``matrix_world``); the requests carry no form data.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("anonymous", "admin", "outside_admin", "liaison", "secretary", "recorder", "member",
         "other_secretary", "other_member")
EVERYONE = ROLES
SIGNED_IN = ROLES[1:]
NOT_SECRETARY = tuple(role for role in SIGNED_IN if role != "secretary")
# admin: 管理员 at the root; outside_admin: 管理员 of 党委B only; liaison: 联络员 of 党委A;
# secretary, recorder, member: of a1; other_secretary, other_member: of a2 (in 党委A, next to a1).
A1_READERS = ("admin", "liaison", "secretary", "recorder", "member")  # a1's meetings and minutes
A1_OVERSIGHT = ("admin", "liaison", "secretary", "recorder")  # a1's roster: its officers and above
A1_RECORDERS = ("admin", "secretary", "recorder")  # schedule and record a1's meetings
A1_MANAGERS = ("admin", "secretary")  # a1's roster and roles, leave, 定稿
INVITEES = ("secretary", "recorder", "member")  # a1's people, invited to its meetings
# 考核 and 专项行动 span the tree; each overseer sees their own scope in them.
OVERSEERS = ("admin", "outside_admin", "liaison", "secretary", "other_secretary")

OK, BAD_REQUEST, DENIED, NOT_FOUND = 200, 400, 403, 404

# Those who cannot see branch a1 at all (another committee, the next branch): on a page about one
# of a1's objects they get the 404 of a missing object, not a 403 that confirms it exists.
OUTSIDERS = ("outside_admin", "other_secretary", "other_member")
HIDDEN_FROM_OUTSIDERS = frozenset({
    "actions.add", "actions.branch", "actions.cancel", "actions.close", "actions.edit",
    "actions.reopen", "attachments.delete", "attachments.download", "attachments.upload",
    "calendar.meeting_ics", "compliance.period", "meetings.attendance_sheet",
    "meetings.branch_meetings", "meetings.cancel", "meetings.check_in", "meetings.check_in_display",
    "meetings.decide_leave", "meetings.edit", "meetings.edit_minutes", "meetings.finalize_minutes",
    "meetings.new", "meetings.nudge", "meetings.show", "meetings.year_record", "orgs.deactivate",
    "orgs.edit", "orgs.reactivate", "orgs.show", "roster.add", "roster.grant_role",
    "roster.import_confirm", "roster.import_preview", "roster.import_template",
    "roster.import_upload", "roster.officers", "roster.remove_seat", "roster.revoke_role",
    "roster.seat", "roster.person", "roster.edit", "roster.set_status", "roster.transfer",
    "supervision.notice", "supervision.reply", "supervision.visit", "supervision.visit_print",
    "supervision.add_finding", "supervision.finding_action",
})


@dataclass(frozen=True)
class To:
    """A 302 to this endpoint's page."""

    endpoint: str


LOGIN = To("auth.login")

MATRIX: dict[str, tuple[str, dict]] = {
    # Open to all: nothing to protect, or the URL holds the credential.
    "main.healthz": ("GET", {EVERYONE: OK}),
    "main.set_language": ("POST", {EVERYONE: To("main.home")}),  # back to the Referer; none: home
    "auth.login": ("GET", {"anonymous": OK, SIGNED_IN: To("main.home")}),  # signed in already
    "auth.logout": ("POST", {EVERYONE: LOGIN}),
    "meetings.rsvp_link": ("GET", {EVERYONE: OK}),  # the signed link is the credential
    "calendar.personal_feed": ("GET", {EVERYONE: OK}),  # the secret token is the credential
    "calendar.branch_feed": ("GET", {EVERYONE: OK}),
    # One's own pages.
    "main.home": ("GET", {SIGNED_IN: OK}),
    "auth.change_password": ("GET", {SIGNED_IN: OK}),
    "auth.devices": ("GET", {SIGNED_IN: OK}),
    "auth.alive": ("GET", {SIGNED_IN: 204}),
    # The secretary's sign-in on another device; anyone else's try is a 404: no existence oracle.
    "auth.end_device": ("POST", {"secretary": To("auth.devices"), NOT_SECRETARY: NOT_FOUND}),
    "auth.end_all_devices": ("POST", {EVERYONE: LOGIN}),
    "tokens.index": ("GET", {SIGNED_IN: OK}),
    # Only the owner, not even an admin; to anyone else the token does not exist.
    "tokens.revoke": ("POST", {"secretary": To("tokens.index"), NOT_SECRETARY: NOT_FOUND}),
    "calendar.mine": ("GET", {SIGNED_IN: OK}),
    "calendar.rotate": ("POST", {SIGNED_IN: To("calendar.mine")}),
    # The tree shows each viewer their own scope (test_outsiders_see_nothing_of_a1).
    "orgs.tree": ("GET", {SIGNED_IN: OK}),
    "orgs.show": ("GET", {A1_READERS: OK}),
    "orgs.create": ("GET", {A1_MANAGERS: OK}),  # a secretary adds party groups to the branch
    "orgs.edit": ("GET", {"admin": OK}),
    "orgs.deactivate": ("POST", {"admin": To("orgs.show")}),
    "orgs.reactivate": ("POST", {"admin": To("orgs.show")}),
    # On 党委A: committee roles are given by the administrators above the branch.
    "orgs.roles": ("GET", {"admin": OK}),
    "orgs.grant_role": ("POST", {"admin": BAD_REQUEST}),  # the empty form again, with its errors
    "orgs.create_officer": ("POST", {"admin": BAD_REQUEST}),
    "roster.add": ("GET", {A1_MANAGERS: OK}),
    # a1's secretary; a plain member sees no contacts (nor the card: 404)
    "roster.person": ("GET", {A1_OVERSIGHT: OK, "member": NOT_FOUND}),
    "roster.edit": ("GET", {A1_MANAGERS: OK, "member": NOT_FOUND}),
    "roster.set_status": ("POST", {A1_MANAGERS: To("roster.person"), "member": NOT_FOUND}),
    "roster.transfer": ("GET", {A1_MANAGERS: OK, "member": NOT_FOUND}),
    # `member`'s transfer into a2: a2 decides (no decision: "未知的操作" flashed, not a 400).
    "roster.decide_transfer": ("POST", {("admin", "other_secretary"): To("orgs.show"),
                                        ("outside_admin", "other_member"): NOT_FOUND}),
    "roster.officers": ("GET", {A1_MANAGERS: OK}),
    "roster.grant_role": ("POST", {A1_MANAGERS: BAD_REQUEST}),  # the empty form again, with errors
    "roster.seat": ("POST", {A1_MANAGERS: BAD_REQUEST}),
    "roster.revoke_role": ("POST", {A1_MANAGERS: To("roster.officers")}),
    "roster.remove_seat": ("POST", {A1_MANAGERS: To("roster.officers")}),
    "roster.import_upload": ("GET", {A1_MANAGERS: OK}),
    "roster.import_template": ("GET", {A1_MANAGERS: OK}),
    # The secretary's pending upload: an upload is its uploader's alone, so even an admin gets 404.
    "roster.import_preview": ("GET", {"secretary": OK, "admin": NOT_FOUND}),
    "roster.import_confirm": ("POST", {"secretary": To("orgs.show"), "admin": NOT_FOUND}),
    # a1's upcoming meeting (world.meeting), with `member`'s leave request and an attachment.
    "meetings.branch_meetings": ("GET", {A1_READERS: OK}),
    "meetings.new": ("GET", {A1_RECORDERS: OK}),
    "meetings.show": ("GET", {A1_READERS: OK}),
    "meetings.edit": ("GET", {A1_RECORDERS: OK}),
    "meetings.cancel": ("POST", {A1_RECORDERS: To("meetings.show")}),
    "meetings.answer": ("POST", {INVITEES: BAD_REQUEST}),  # no `action`: the buttons always send one
    "meetings.decide_leave": ("POST", {A1_MANAGERS: BAD_REQUEST}),  # no `decision`: 准假 or 不准假
    "meetings.nudge": ("POST", {A1_RECORDERS: To("meetings.show")}),
    "calendar.meeting_ics": ("GET", {A1_READERS: OK}),
    "types.index": ("GET", {"admin": OK}),  # the whole tree's types: the root's admin only
    "types.edit": ("GET", {"admin": OK}),
    # The record: a held meeting of a1 with attendance and final minutes (world.held).
    "meetings.attendance_sheet": ("GET", {A1_RECORDERS: OK}),
    "meetings.check_in_display": ("GET", {A1_RECORDERS: OK}),
    "meetings.check_in": ("GET", {A1_READERS: OK}),  # the QR's page; the liaison sees it, uninvited
    "meetings.minutes": ("GET", {A1_READERS: OK}),
    "meetings.edit_minutes": ("GET", {A1_MANAGERS: OK}),  # final: only an amendment, by the 书记
    "meetings.finalize_minutes": ("POST", {A1_MANAGERS: To("meetings.minutes")}),  # "已经定稿" flashed
    "meetings.minutes_revisions": ("GET", {A1_READERS: OK}),
    # ?a=1&b=2: revision 1 is the draft, which readers of final minutes never see.
    "meetings.minutes_diff": ("GET", {A1_RECORDERS: OK,
                                      ("liaison", "member"): To("meetings.minutes_revisions")}),
    "meetings.print_minutes": ("GET", {A1_READERS: OK}),
    "meetings.year_record": ("GET", {A1_READERS: OK}),
    # 整改事项 of world.meeting, owned by `member`.
    "actions.add": ("POST", {A1_RECORDERS: OK}),  # the empty form again, at 200 like most forms
    "actions.edit": ("GET", {A1_RECORDERS: OK}),
    "actions.close": ("GET", {(*A1_RECORDERS, "member"): OK}),  # its owner reports it done
    "actions.cancel": ("POST", {A1_RECORDERS: To("meetings.show")}),
    "actions.reopen": ("POST", {A1_RECORDERS: To("meetings.show")}),
    "actions.branch": ("GET", {A1_READERS: OK}),
    "attachments.upload": ("POST", {A1_RECORDERS: To("meetings.show")}),  # no file: flashed
    "attachments.download": ("GET", {A1_READERS: OK}),
    "attachments.delete": ("POST", {A1_RECORDERS: To("meetings.show")}),
    # 专项行动 over the whole tree: each overseer sees it, their units' rows only.
    "campaigns.index": ("GET", {OVERSEERS: OK}),
    "campaigns.show": ("GET", {OVERSEERS: OK}),
    "campaigns.new": ("GET", {("admin", "outside_admin"): OK}),  # 党委B's admin launches for 党委B
    "campaigns.edit": ("GET", {"admin": OK}),  # the campaign's scope is the root, beyond 党委B
    # 考核: the viewer's own scope; compliance.period is a1's theme-day period of May 2026.
    "compliance.index": ("GET", {OVERSEERS: OK}),
    "compliance.export": ("GET", {OVERSEERS: OK}),
    "compliance.absences": ("GET", {OVERSEERS: OK}),
    "compliance.period": ("GET", {("admin", "liaison", "secretary"): OK}),
    "compliance.requirements_list": ("GET", {OVERSEERS: OK}),
    "compliance.change_requirement": ("GET", {"admin": OK}),  # tree-wide: the root's admin only
    # 督导工作台: the committee's officers and liaisons, each over their own scope.
    "supervision.index": ("GET", {("admin", "outside_admin", "liaison"): OK}),
    "supervision.export": ("GET", {("admin", "outside_admin", "liaison"): OK}),
    # 催办: only overseers send (no branch given: a bad request, once past the role check).
    "supervision.new_notice": ("GET", {("admin", "outside_admin", "liaison"): BAD_REQUEST}),
    "supervision.notices_list": ("GET", {("admin", "outside_admin", "liaison", "secretary",
                                          "other_secretary"): OK}),
    # A notice to a1: its overseers and its secretary see it; only the secretary answers (the
    # empty form: 422); whoever may not see it — a1's recorder and members too: a notice is the
    # secretary's — gets the 404 of a missing notice.
    "supervision.notice": ("GET", {("admin", "liaison", "secretary"): OK, ("recorder", "member"): NOT_FOUND}),
    "supervision.reply": ("POST", {("admin", "liaison"): DENIED, "secretary": 422,
                                   ("recorder", "member"): NOT_FOUND}),
    # 督导记录: overseers record and read (their scope); a visit to a1 is read by a1's secretary
    # too, who writes nothing in it (403: they may see it); the empty forms are 422.
    "supervision.visits_list": ("GET", {("admin", "outside_admin", "liaison", "secretary",
                                         "other_secretary"): OK}),
    "supervision.new_visit": ("GET", {("admin", "outside_admin", "liaison"): OK}),
    "supervision.visit": ("GET", {("admin", "liaison", "secretary"): OK, ("recorder", "member"): NOT_FOUND}),
    "supervision.visit_print": ("GET", {("admin", "liaison", "secretary"): OK,
                                        ("recorder", "member"): NOT_FOUND}),
    "supervision.add_finding": ("POST", {("admin", "liaison"): 422, "secretary": DENIED,
                                         ("recorder", "member"): NOT_FOUND}),
    "supervision.finding_action": ("POST", {("admin", "liaison"): 422, "secretary": DENIED,
                                            ("recorder", "member"): NOT_FOUND}),
    "audit.index": ("GET", {("admin", "outside_admin"): OK}),  # each admin, their scope's trail
    # The one mail relay serves the whole tree: its queue is the root admin's.
    "mail.index": ("GET", {"admin": OK}),
    "mail.received": ("GET", {"admin": OK}),
    "mail.requeue": ("POST", {"admin": To("mail.index")}),
}


def expected(endpoint: str, role: str) -> int | To:
    """The designed answer to ``role`` on ``endpoint``."""
    found = [answer for who, answer in MATRIX[endpoint][1].items()
             if role in (who if isinstance(who, tuple) else (who,))]
    assert len(found) <= 1, f"{role} is given two answers on {endpoint}"
    if found:
        return found[0]
    if role in OUTSIDERS and endpoint in HIDDEN_FROM_OUTSIDERS:
        return NOT_FOUND
    return LOGIN if role == "anonymous" else DENIED
