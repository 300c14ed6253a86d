"""The FastAPI app: routers, static files, security headers and one error shape for pages and the API."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kb.errors import KBError, LockedError, NotFoundError, QueryError, RecipeMismatchError
from kb.kb import KnowledgeBase
from kb.web import api, pages

STATIC = Path(__file__).resolve().parent / "static"
log = logging.getLogger("kb.web")

# No script runs on these pages (there is none to run), so a report that slipped past the
# escaping still could not execute anything; styles and images come only from this server.
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
     b"base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]

_STATUS: tuple[tuple[type[KBError], int], ...] = (
    (NotFoundError, 404), (QueryError, 400), (RecipeMismatchError, 409), (LockedError, 503),
)


class Guard:
    """ASGI middleware: `SECURITY_HEADERS` on every response, and an unexpected error answered as a 500.

    Answering here, rather than letting the exception reach uvicorn, keeps the connection
    open for the browser's next request and the traceback in the server log only.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            request = Request(scope)
            log.exception("unexpected error serving %s", request.url.path)
            response = error_response(request, 500, "internal error; the server log has the details", "InternalError")
            await response(scope, receive, send_with_headers)


def status_of(exc: KBError) -> int:
    """The HTTP status a library error answers with: 404 unknown, 400 bad query or refused SQL."""
    for cls, status in _STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_response(request: Request, status: int, message: str, kind: str) -> Response:
    """JSON under /api/, an HTML page elsewhere; either way one sentence and never a traceback."""
    if request.url.path.startswith("/api/"):
        return api.JSON({"error": message, "type": kind, "status": status}, status_code=status)
    return pages.error_page(request, status, message)


def create_app(kb: KnowledgeBase, *, sql_max_rows: int = api.SQL_MAX_ROWS,
               sql_timeout_s: float = api.SQL_TIMEOUT_S) -> FastAPI:
    """The web app over one open knowledge base; every route reads it through the `KnowledgeBase` API.

    Example:
        uvicorn.run(create_app(KnowledgeBase.open("indexes")), host="127.0.0.1", port=8765)
    """
    app = FastAPI(title="kb", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.kb = kb
    app.state.sql_limits = (sql_max_rows, sql_timeout_s)
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Guard)

    @app.exception_handler(KBError)
    async def kb_error(request: Request, exc: KBError) -> Response:
        return error_response(request, status_of(exc), str(exc), type(exc).__name__)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "request"
        return error_response(request, 400, f"parameter {where!r}: {first.get('msg', 'invalid value')}", "QueryError")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page; start at /" if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, message, "HTTPError")

    return app
