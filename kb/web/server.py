"""Running the app: uvicorn on a host and port, a warning off loopback, and opening a browser when asked."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager

from kb.errors import QueryError
from kb.kb import KnowledgeBase
from kb.web.app import create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host`."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def exposure_warning(host: str) -> str | None:
    """The warning to print when the server is reachable from other machines."""
    if is_loopback(host):
        return None
    return (f"--host {host} lets anyone on the network read this knowledge base "
            f"(there is no login); use --host {DEFAULT_HOST} to keep it on this machine.")


def url_of(host: str, port: int) -> str:
    """The address a browser on this machine opens."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def check_port(host: str, port: int) -> None:
    """Raise a readable error now rather than a bind failure inside uvicorn."""
    if not 0 < port < 65536:
        raise QueryError(f"--port {port} is not a TCP port; pick one from 1 to 65535, e.g. {DEFAULT_PORT}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except OSError as exc:
            raise QueryError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another with --port") from None


def serve(kb: KnowledgeBase, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, open_browser: bool = False) -> None:
    """Serve the web app over `kb` until interrupted."""
    import uvicorn

    check_port(host, port)
    server = uvicorn.Server(uvicorn.Config(create_app(kb), host=host, port=port, log_level="warning",
                                           access_log=False, server_header=False))
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url_of(host, port)), daemon=True).start()
    server.run()


@contextmanager
def running(kb: KnowledgeBase, host: str = DEFAULT_HOST, port: int = 0) -> Iterator[str]:
    """Serve `kb` from a background thread (port 0: any free port) and yield its URL; for tests and benchmarks."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(kb), host=host, port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, name="kb-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the web server did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield url_of(host, bound)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _open_when_started(server: object, url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not getattr(server, "started", False) and time.monotonic() < deadline:
        time.sleep(0.05)
    if getattr(server, "started", False):
        webbrowser.open(url)
