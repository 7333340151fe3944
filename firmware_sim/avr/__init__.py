"""The real sketch (hardware/arduino/pressure_hx711) on an emulated ATmega328P with an emulated
HX711, behind a pty: ``build`` compiles it with Debian's packages, ``emulator`` runs it with the
practitioner profiles of :mod:`firmware_sim.model`, ``serve`` is ``sim --firmware avr``.
See docs/simulator.md.
"""
