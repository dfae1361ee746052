#!/usr/bin/python3
"""ical_check.py — reads an .ics from stdin the way a real client library does (Debian's
python3-icalendar) and prints what test_ical.c compares, so that src/export/ical.c is held
against a parser we did not write.

Usage: ical_check.py < FILE.ics

Prints one line for the calendar, then one JSON line per VEVENT, keys sorted, text as
decoded (escapes undone, folding undone):
  {"calname": ..., "prodid": ..., "version": ...}
  {"description": ..., "end": ..., "location": ..., "sequence": N, "start": ...,
   "status": ..., "summary": ..., "uid": ...}
Times are ISO 8601 in UTC ("2026-11-28T01:00:00+00:00"); a property the event lacks is
null. Exits non-zero if the text does not parse or is not one VCALENDAR.
"""
import json
import sys

import icalendar


def text(component, key):
    value = component.get(key)
    return None if value is None else str(value)


def when(component, key):
    return component.decoded(key).isoformat() if key in component else None


def main():
    data = sys.stdin.buffer.read()
    calendar = icalendar.Calendar.from_ical(data)
    if calendar.name != "VCALENDAR":
        sys.exit("not a VCALENDAR")
    print(json.dumps({"calname": text(calendar, "X-WR-CALNAME"),
                      "prodid": text(calendar, "PRODID"),
                      "version": text(calendar, "VERSION")},
                     ensure_ascii=False, sort_keys=True))
    for event in calendar.walk("VEVENT"):
        sequence = event.get("SEQUENCE")
        print(json.dumps({"uid": text(event, "UID"),
                          "summary": text(event, "SUMMARY"),
                          "location": text(event, "LOCATION"),
                          "description": text(event, "DESCRIPTION"),
                          "start": when(event, "DTSTART"),
                          "end": when(event, "DTEND"),
                          "status": text(event, "STATUS"),
                          "sequence": None if sequence is None else int(sequence)},
                         ensure_ascii=False, sort_keys=True))


main()
