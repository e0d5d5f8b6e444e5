"""Wayguide: task wizards beside the business application, glass box or black box."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wayguide")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+src"
