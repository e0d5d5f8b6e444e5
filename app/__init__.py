"""Wayguide: task wizards beside the business application, glass box or black box."""

__version__ = "0.1.0"
"""The one place the version is written; pyproject.toml reads it from here."""
