"""Environment variables set for one block of work."""

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def temporary_environment(settings: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block; restore what was there after."""
    saved = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
