"""Reading, checking and loading a register make millions of small objects and no reference cycles."""

import gc
from contextlib import contextmanager
from functools import wraps


@contextmanager
def no_cyclic_gc():
    """Python's cyclic collector would walk all those objects again and again as they pile up (about a
    third of a large import's time, and half of reading a million-row file)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_cyclic_gc(function):
    @wraps(function)
    def wrapper(*args, **kwargs):
        with no_cyclic_gc():
            return function(*args, **kwargs)

    return wrapper
