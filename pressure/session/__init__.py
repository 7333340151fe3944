"""The session engine, Qt-free: where samples come from (a :class:`Source`: the live reader,
a recording, a script), the per-tick pipeline (filter -> unit -> coach -> live scorer), the
recorder thread and the session's metadata. ``pressure.ui`` draws what this holds and forwards
keys; ``record`` and ``stream`` run the same engine without a window.
"""
