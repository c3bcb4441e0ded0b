"""The web layer: blueprints with thin views (load → authorize → validate → service → commit)."""
