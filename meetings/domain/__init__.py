"""Pure domain logic: plain functions over plain data. Never imports Flask or the session."""
