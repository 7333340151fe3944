"""A routine's name is looked up, never opened as a path; paths are opened only when typed."""

import os
import threading

import pytest

from pressure import paths
from pressure.errors import PressureError
from pressure.references import resolve_routine_name
from pressure.routine import get_routine, load_routine_file
from pressure.routine.presets import find_routine

ROUTINE = 'name = "{name}"\n[[steps]]\nkind = "hold"\ntarget = 10\nduration = 5\n'


def _with_deadline(fn, seconds=20.0):
    """Run fn in a thread: a hang (the bug) fails the test instead of blocking the run."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            out["error"] = exc

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(seconds)
    assert not th.is_alive(), "hung"
    return out


def test_a_name_that_is_a_fifo_path_is_never_opened(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    out = _with_deadline(lambda: resolve_routine_name(str(fifo)))
    assert out == {"value": str(fifo)}  # taken as a name, as it is
    out = _with_deadline(lambda: find_routine(str(fifo)))
    assert out == {"value": None}


def test_a_typed_fifo_path_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    out = _with_deadline(lambda: get_routine(str(fifo)))
    assert isinstance(out.get("error"), PressureError)
    assert "not a regular file" in str(out["error"])


def test_a_fifo_in_the_routines_folder_is_not_a_routine():
    folder = paths.routines_dir()
    folder.mkdir(parents=True)
    os.mkfifo(folder / "trap.toml")
    out = _with_deadline(lambda: find_routine("trap"))
    assert out == {"value": None}


def test_a_500_kb_name_is_a_clear_error():
    name = "x" * 500_000
    assert resolve_routine_name(name) == name
    with pytest.raises(PressureError, match="unknown routine") as info:
        get_routine(name)
    assert len(str(info.value)) < 500
    with pytest.raises(PressureError, match="unknown routine"):
        get_routine("/" + "y/" * 250_000)


def test_names_find_builtins_and_the_routines_folder_but_not_paths(tmp_path):
    assert get_routine("Steady").name == get_routine("steady").name
    assert resolve_routine_name(get_routine("ischemic").name) == get_routine("ischemic").name
    folder = paths.routines_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(ROUTINE.format(name="My own"))
    assert find_routine("mine").name == "My own"
    assert resolve_routine_name("mine") == "My own"
    elsewhere = tmp_path / "other.toml"
    elsewhere.write_text(ROUTINE.format(name="Other"))
    assert find_routine(str(elsewhere)) is None
    assert resolve_routine_name(str(elsewhere)) == str(elsewhere)
    assert get_routine(str(elsewhere)).name == "Other"  # typed on the command line


def test_toml_nested_500_deep_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text('name = "deep"\nx = ' + "[" * 500 + "]" * 500 + "\n")
    with pytest.raises(PressureError, match="nested too deeply"):
        load_routine_file(path)


def test_a_saved_routine_setting_is_a_name_not_any_path(tmp_path, monkeypatch):
    from pressure.cli import build_parser
    from pressure.commands.live import DEFAULT_ROUTINE, routine_and_filter
    from pressure.ui.settings import Settings

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text(ROUTINE.format(name="Relative"))
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    default = get_routine(DEFAULT_ROUTINE).name
    for saved in ("mine.toml", "./mine.toml", str(fifo)):
        settings = Settings()
        settings.set("routine/name", saved)
        args = build_parser().parse_args(["live"])
        out = _with_deadline(lambda: routine_and_filter(args, settings))
        assert out["value"][0].name == default, saved
    settings.set("routine/name", str(tmp_path / "mine.toml"))  # as the file dialog saves it
    assert routine_and_filter(build_parser().parse_args(["live"]), settings)[0].name == "Relative"
