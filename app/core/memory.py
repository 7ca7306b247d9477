"""The garbage collector and what the service keeps for its lifetime.

What the service builds once and keeps (the vocabulary's matcher, the ranking's arrays, the
app's routes and schemas) is hundreds of thousands of objects that every full collection walks
again: tens of milliseconds in which nothing is answered, which is what a lookup's p99 shows.
Once it is built, it is moved out of the collector's sight (``gc.freeze``, the pattern Instagram
described for its web servers). When a copy is replaced, everything is handed back for one
collection first, so the cycles of the copy it replaces are freed, and is then frozen again."""

import gc
import threading

_settling = threading.Lock()


def freeze_long_lived() -> None:
    """Collect once, then keep every object alive now out of later collections."""
    with _settling:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
