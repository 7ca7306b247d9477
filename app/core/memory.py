"""The garbage collector and what the service keeps for its lifetime.

What the service builds once and keeps (the vocabulary's matcher, the ranking's arrays, the
app's routes and schemas) is hundreds of thousands of objects that every full collection walks
again: tens of milliseconds in which nothing is answered, which is what a lookup's p99 shows.
Once it is built, it is moved out of the collector's sight (``gc.freeze``, the pattern Instagram
described for its web servers). When a copy is replaced, everything is handed back for one
collection first, so the cycles of the copy it replaces are freed, and is then frozen again.
What the collection freed is handed back to the system where the C library can (glibc's
``malloc_trim``): a replaced copy, or the code list once the default knowledge is imported."""

import ctypes
import ctypes.util
import gc
import threading
from collections.abc import Callable

_settling = threading.Lock()


def _heap_trimmer() -> Callable[[int], int] | None:
    library = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(library), "malloc_trim", None) if library else None
    return trim  # None off glibc (musl, macOS): the memory is reused, not handed back


_trim_heap = _heap_trimmer()


def freeze_long_lived() -> None:
    """Collect once, then keep every object alive now out of later collections."""
    with _settling:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        if _trim_heap is not None:
            _trim_heap(0)
