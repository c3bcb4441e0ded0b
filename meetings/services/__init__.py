"""Use cases that touch the database. They take the acting person, flush and audit; never commit."""
