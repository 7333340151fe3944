"""The bundled program's entry point (PyInstaller runs this file, not main.py).

``pressure [COMMAND] ...`` is main.py. ``pressure -m MODULE ...`` is ``python -m MODULE ...`` for
the program's own modules: a frozen program has no Python interpreter to start, and the program
starts its helpers that way (the built-in simulator runs in a child process started as
``sys.executable -m pressure.session.sim_process``; ``pressure -m firmware_sim.avr.build`` builds
the sketch a user flashes).
"""

import multiprocessing
import runpy
import sys

OWN_PACKAGES = ("pressure.", "firmware_sim.")


def main() -> int:
    multiprocessing.freeze_support()  # a spawned multiprocessing child runs its task, not the CLI
    if len(sys.argv) >= 2 and sys.argv[1] == "-m":
        module = sys.argv[2] if len(sys.argv) > 2 else ""
        if not module.startswith(OWN_PACKAGES):
            print(f"pressure: error: -m runs the program's own modules (pressure.*, firmware_sim.*), not {module!r}",
                  file=sys.stderr)
            return 2
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        return 0
    from pressure.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
