"""libical (Evolution's and GNOME Calendar's parser) over .ics files: the UTC start of every
occurrence of every event, as JSON {path: [iso, …]} on stdout.

Run with Debian's own Python (``/usr/bin/python3``, packages python3-gi and gir1.2-ical-3.0),
not the project's virtualenv: PyGObject comes from the system. Overrides (RECURRENCE-ID) replace
the occurrence they name, as a client shows them.
"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ical  # noqa: E402

UTC = ical.Timezone.get_utc_timezone()
SPAN = (ical.Time.new_from_string("20000101T000000Z"), ical.Time.new_from_string("21000101T000000Z"))


def utc(moment, calendar, tzid: str | None = None) -> str:
    """The time in UTC; ``tzid`` for a property whose value libical reads without its zone."""
    zone = moment.get_timezone()
    tzid = moment.get_tzid() or tzid
    if zone is None and tzid:
        zone = calendar.get_timezone(tzid)
    moment = moment.clone()
    if zone is not None:
        moment.convert_timezone(zone, UTC)  # in place, and not always marked as UTC
    return moment.as_ical_string().rstrip("Z") + "Z"


def starts(calendar) -> list[str]:
    overrides, masters = {}, []
    event = calendar.get_first_component(ical.ComponentKind.VEVENT_COMPONENT)
    while event is not None:
        recurrence_id = event.get_first_property(ical.PropertyKind.RECURRENCEID_PROPERTY)
        if recurrence_id is not None:
            zone = recurrence_id.get_parameter_as_string("TZID")
            slot = utc(recurrence_id.get_recurrenceid(), calendar, zone)
            overrides[slot] = utc(event.get_dtstart(), calendar)
        else:
            masters.append(event)
        event = calendar.get_next_component(ical.ComponentKind.VEVENT_COMPONENT)
    found = []
    for master in masters:
        master.foreach_recurrence(*SPAN, lambda _c, span, _d: found.append(
            ical.Time.new_from_timet_with_zone(span.get_start(), 0, UTC).as_ical_string()), None)
    return sorted(overrides.get(start, start) for start in found)


def main(paths: list[str]) -> None:
    out = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out[path] = starts(ical.Component.new_from_string(f.read()))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
