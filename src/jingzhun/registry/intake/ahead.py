"""Working ahead in a helper thread: the import prepares the next batch (Arrow work and cell parsing, which
let go of Python's lock for most of their time) while the calling thread hands the last one to the
database, so both cores of a small machine are busy."""

import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

_DONE = object()


@contextmanager
def ahead_in_thread(items: Iterable, *, name: str, ahead: int = 1) -> Iterator[Iterator]:
    """Iterate `items` in a helper thread named `name`, at most `ahead` items ahead of the caller, who
    gets them in order from the iterator this yields. An error in the helper is raised in the caller
    when it reaches that point; when the caller leaves the block (finished, failed or stopped early), the
    helper stops at its next item and is joined."""
    handed: queue.Queue = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer((item, None)):
                    return
            offer((_DONE, None))
        except BaseException as error:  # raised in the caller, where it is handled
            offer((None, error))

    def taken() -> Iterator:
        while True:
            item, error = handed.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item

    helper = threading.Thread(target=produce, name=name, daemon=True)
    helper.start()
    try:
        yield taken()
    finally:
        stop.set()
        helper.join()
