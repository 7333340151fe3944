"""Implementation of the wire-format parsers; import them through :mod:`pressure.wire`.

``base`` holds the result type and the line splitter every parser shares, ``own`` the
vectorised parser for the project's own protocol, ``text`` the parsers for the text formats
other devices speak (one number, Serial Plotter, HX711 sketches, force gauges).
"""
