"""The window layer: the only package that imports PySide6 / pyqtgraph.

This ``__init__`` imports nothing from Qt, so the Qt-free parts (``pipeline``, ``history``)
can be imported and tested without a display; ``app.run_live`` opens the window.
"""
