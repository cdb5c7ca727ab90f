"""Targets and statistics (filled in below)."""
