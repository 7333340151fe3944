"""Shared helpers of the end-to-end tests (``tests/test_e2e_*.py``): run ``python main.py`` as a
user would, with a private PRESSURE_HOME, and never accept a traceback.

Commands that only read and write files run in-process through the CLI entry point
(``pressure.cli.main``), which is what ``main.py`` calls: a subprocess would add nothing but
an interpreter start. Commands that open a port, a window or talk through pipes (``live``,
``replay``, ``record``, ``stream``, ``sim``) still run as a real process."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


from tests.conftest import REPO

PY = sys.executable


def env_for(home: Path) -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1",
            "PRESSURE_HOME": str(home)}


IN_PROCESS = {"import", "export", "report", "sessions", "progress", "trainees", "reference", "ports", "routines"}


def run_in_process(home: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``pressure.cli.main(ARGS)`` with stdout and stderr captured, as a finished process."""
    import contextlib
    import io
    import logging

    from pressure import cli

    out, err = io.StringIO(), io.StringIO()
    old_cwd, old_home = os.getcwd(), os.environ.get("PRESSURE_HOME")
    os.environ["PRESSURE_HOME"] = str(home)
    handler = logging.StreamHandler(err)  # what basicConfig would send to the process's stderr
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)
    try:
        os.chdir(cwd or REPO)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main([str(a) for a in args])
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        logging.getLogger().removeHandler(handler)
        os.chdir(old_cwd)
        if old_home is None:
            os.environ.pop("PRESSURE_HOME", None)
        else:
            os.environ["PRESSURE_HOME"] = old_home
    return subprocess.CompletedProcess(["main.py", *map(str, args)], code, out.getvalue(), err.getvalue())


def run(home: Path, *args, cwd: Path | None = None, timeout: float = 60,
        **kwargs) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` -> the finished process; fails on a traceback in stderr."""
    if args and str(args[0]) in IN_PROCESS and not kwargs:
        done = run_in_process(home, *args, cwd=cwd)
        assert "Traceback" not in done.stderr, done.stderr
        return done
    done = subprocess.run([PY, str(REPO / "main.py"), *map(str, args)], cwd=cwd or REPO,
                          env=env_for(home), text=True, capture_output=True, timeout=timeout,
                          **kwargs)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def ok(home: Path, *args, **kwargs) -> subprocess.CompletedProcess:
    done = run(home, *args, **kwargs)
    assert done.returncode == 0, done.stderr
    return done


def refused(home: Path, *args, **kwargs) -> str:
    """The command must fail with a clear ``pressure...: error:`` line (no traceback). A refusal
    happens before any window or port is of use, so it is checked in-process."""
    if kwargs:
        done = run(home, *args, **kwargs)
    else:
        done = run_in_process(home, *args)
        assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode != 0, (done.stdout, done.stderr)
    errors = [line for line in done.stderr.splitlines() if "error" in line]
    assert errors, done.stderr
    return errors[-1]


def summary_of(stderr: str) -> dict:
    lines = [line for line in stderr.splitlines() if line.startswith("{")]
    assert lines, stderr
    return json.loads(lines[-1])


def rows_of(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def stream_until(home: Path, done, *args, limit: float = 30) -> subprocess.CompletedProcess:
    """``python main.py stream ARGS`` until it prints a row that ``done(row)`` accepts, then
    SIGTERM (how Ctrl-C ends it: exit 0 and the summary), or until ``limit`` seconds passed.
    A wait on what the stream printed, not a fixed duration a busy machine may not fit in."""
    with tempfile.TemporaryFile("w+") as err_file:  # a file: a full stderr pipe cannot block it
        proc = subprocess.Popen([PY, str(REPO / "main.py"), "stream", *map(str, args), "--seconds", str(limit)],
                                cwd=REPO, env=env_for(home), text=True, stdout=subprocess.PIPE,
                                stderr=err_file)
        lines = []
        try:
            for line in proc.stdout:
                lines.append(line)
                if line.strip() and done(json.loads(line)):
                    proc.send_signal(signal.SIGTERM)
                    break
            # read on to the end through the same buffered file: communicate(timeout) would read
            # the pipe underneath it and lose the lines the file already buffered
            out = proc.stdout.read()
            proc.stdout.close()
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        err_file.seek(0)
        err = err_file.read()
    assert "Traceback" not in err, err
    return subprocess.CompletedProcess(proc.args, proc.returncode, "".join(lines) + out, err)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
