"""pressure: live force/pressure guidance for manual therapists.

Layers (dependencies flow one way, top to bottom):

    ui/            PySide6 + pyqtgraph only here
    commands/      argparse subcommands (cli.py wires them)
    acquisition    reader thread -> ring buffer      transport (only pyserial user)
    coach, scoring, recording, filters, calibration, routine, wire   (numpy + stdlib)
    samples, buffer, units                                            (no dependencies)
"""

__version__ = "0.1.0"
