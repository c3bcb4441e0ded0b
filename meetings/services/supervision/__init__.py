"""督导: what overseers (the committee's officers and 党建联络员) do with the numbers — the
work list of lagging branches, 催办 notices and liaison visits."""
