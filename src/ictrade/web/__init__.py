"""The web server: JSON API and dashboard (``ictrade serve``)."""

from .app import create_app

__all__ = ["create_app"]
