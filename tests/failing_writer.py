"""A recording writer that fails the way no one planned for (not a disk error), shared by the
zero tests with and without a window: both check that such a failure is reported, not lost."""

from __future__ import annotations


class FailingWriter:
    path = "failing.pressure"
    meta: dict = {}
    status = ""

    def append(self, block):
        raise RuntimeError("boom in the writer")

    def add_event(self, *a, **k):
        pass

    def update_meta(self, **k):
        pass

    def close(self):
        pass
