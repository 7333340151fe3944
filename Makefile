# Set up a virtual environment and run, test or benchmark the program.
#   make run    set up, then open the live window on the built-in simulated sensor
#   make test   set up, then run the whole test suite headless
#   make bench  set up, then print the benchmark figures as JSON
#   make screens  render the window's states headless into docs/screens/*.png (README tour)
#   make dist   the one-folder bundle, a .tar.gz and a .deb in dist/ (PyInstaller; docs/install.md)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# One stamp per set of packages: `make run` installs the program only, not the test tools.
STAMP      := $(VENV)/.installed-base
TEST_STAMP := $(VENV)/.installed-test
DIST_STAMP := $(VENV)/.installed-dist
# CI prints the slowest tests, so a test that grows slow is seen in the log.
PYTEST_ARGS ?= --durations=15
# pytest-xdist with three workers more than cores: over a third of the suite waits in real time
# (sensors, the emulated AVR, brokers, subprocesses), so spare workers keep the cores busy; more
# than that and the real-time tests fight for the CPU. worksteal evens out the long tests at the end.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 3 if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1) + 3)')

.PHONY: run test bench sim screens dist clean

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The bundle carries the classroom's embedded broker and the .xlsx export too (their extras; BLE stays out).
$(DIST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dist,classroom,xlsx]'
	touch $@

# The program checks the display and Qt's system libraries itself (pressure/system_libs.py).
run: $(STAMP)
	$(PY) main.py

test: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# bench measures the classroom's broker and the Bluetooth emulation too: the test extra has them
bench: $(TEST_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) main.py bench --json

sim: $(STAMP)
	$(PY) main.py sim

screens: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pressure.ui.screens docs/screens

dist: $(DIST_STAMP)
	$(PY) packaging/build.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis hardware/arduino/pressure_hx711/build firmware_sim/avr/build
