"""The web app behind `kb serve`: pages and a JSON API over one `KnowledgeBase`."""

from kb.web.app import create_app

__all__ = ["create_app"]
