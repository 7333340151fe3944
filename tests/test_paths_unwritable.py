"""An unusable data folder is one line naming it and how to choose another, never a traceback."""

import pytest

from pressure.cli import main


@pytest.fixture(params=["under_a_file", "in_proc"])
def unusable_home(request, tmp_path, monkeypatch):
    if request.param == "under_a_file":
        blocker = tmp_path / "a-file"
        blocker.write_text("not a folder")
        home = blocker / "home"
    else:
        home = "/proc/pressure-cannot-be-here"
    monkeypatch.setenv("PRESSURE_HOME", str(home))
    return str(home)


@pytest.fixture
def sensor():
    from firmware_sim.host import start_builtin_simulator

    host = start_builtin_simulator(profile="hold", rate=500, seed=3)
    yield host
    host.stop()


@pytest.mark.parametrize("argv", [["sessions"], ["trainees", "add", "Dana"],
                                  ["record", "--seconds", "0.2", "--port", "{url}"],
                                  ["live", "--seconds", "0.2", "--no-sound"]])
def test_an_unusable_data_folder_is_one_clear_line(unusable_home, capsys, argv, request):
    if "{url}" in argv:
        argv = [a.replace("{url}", request.getfixturevalue("sensor").url) for a in argv]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith("pressure: error: ") and "Traceback" not in err
    assert unusable_home in err and "PRESSURE_HOME" in err
