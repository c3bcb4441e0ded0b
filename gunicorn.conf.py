# gunicorn reads this file from the directory it is started in (the README's deployment does).
# Access-log lines hide feed/RSVP/import tokens and check-in codes: see meetings/access_log.py.
logger_class = "meetings.access_log.RedactingLogger"
