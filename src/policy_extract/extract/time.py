"""Deadlines: time expressions normalised to date ranges (filled in by the time extractor)."""
