"""An exclusive lock held on a lock file of its own, waited for up to a deadline."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import LockedError


@contextmanager
def file_lock(path: Path, wait_seconds: float, busy_message: str, poll_seconds: float = 0.05) -> Iterator[None]:
    """Hold `flock` on `path` (created if missing); raise `LockedError(busy_message)` after `wait_seconds`."""
    with open(path, "a+") as fh:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(busy_message) from None
                time.sleep(poll_seconds)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
