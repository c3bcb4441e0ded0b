"""seed-scale: a province of thousands of branches and years of meetings, written in bulk."""
