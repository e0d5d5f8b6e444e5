"""Ralph's LRS app, with its filesystem backend appending to its one file.

Ralph 5.1.0's fs backend writes statements with operation type INDEX, which refuses to write to a
file that exists: every POST after the first answers 500 ("Statements bulk indexation failed"),
while reads only ever look at that one file (fs_lrs.jsonl). Appending (the backend's own APPEND
operation) makes it accept any number of writes, and they stay readable through GET."""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (after the backend is told to append)

__all__ = ["app"]
