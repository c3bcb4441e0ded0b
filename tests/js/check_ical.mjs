// Parses .ics files with Mozilla's ical.js (Thunderbird's parser) and prints, as JSON, each
// calendar's METHOD and each event's uid, summary, status, sequence, DTSTART zone and UTC times.
// Usage: node check_ical.mjs FILE.ics... ; exits 1 if a file does not parse.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// A recurring event's occurrences as Thunderbird shows them: the master's expansion with each
// override (RECURRENCE-ID) in place of its slot. At most 500, so a bad rule cannot run away.
function occurrencesOf(master, overrides) {
  overrides.forEach((override) => master.relateException(override));
  const iterator = master.iterator();
  const starts = [];
  for (let next = iterator.next(); next && starts.length < 500; next = iterator.next()) {
    starts.push(master.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
  }
  return starts;
}

function eventsOf(calendar) {
  const zones = calendar.getAllSubcomponents("vtimezone").map((vtz) => new ICAL.Timezone(vtz));
  zones.forEach((zone) => ICAL.TimezoneService.register(zone));
  try {
    const events = calendar.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
    const overrides = events.filter((event) => event.isRecurrenceException());
    return events.filter((event) => !event.isRecurrenceException()).map((event) => ({
      uid: event.uid,
      summary: event.summary,
      status: event.component.getFirstPropertyValue("status"),
      sequence: event.sequence,
      zone: event.startDate.zone.tzid,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      occurrences: event.isRecurring()
        ? occurrencesOf(event, overrides.filter((o) => o.uid === event.uid)) : undefined,
    }));
  } finally {
    zones.forEach((zone) => ICAL.TimezoneService.remove(zone.tzid));
  }
}

const result = {};
let failed = false;
for (const path of process.argv.slice(2)) {
  try {
    const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
    result[path] = { method: calendar.getFirstPropertyValue("method"), events: eventsOf(calendar) };
  } catch (error) {
    result[path] = { error: String(error) };
    failed = true;
  }
}
process.stdout.write(JSON.stringify(result, null, 2) + "\n");
process.exit(failed ? 1 : 0);
