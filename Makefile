# One-command set-up: every target that needs the virtual environment depends on its stamp, so a
# fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test run bench lint clean system-check i18n

install: $(STAMP)

# The editable install is built in the venv itself (no isolated build environment to fetch), so
# the venv gets the build requirements first; the translations are then compiled into
# resources/i18n/ with the venv's lrelease (a wheel build does that in setup.py instead).
# The console's own modules are byte-compiled as pip does for a wheel's: an editable install
# skips that, and with PYTHONDONTWRITEBYTECODE set (as on CI machines) every start would
# compile them again (a quarter of a second of the console's start-up).
$(STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77' wheel
	$(BIN)/python -m pip install --quiet --no-build-isolation -e '.[dev]'
	$(BIN)/python -m console.ui.i18n resources/i18n
	$(BIN)/python -m compileall -q console
	@$(BIN)/python packaging/check_system.py
	@touch $(STAMP)

system-check: install
	@$(BIN)/python packaging/check_system.py

# The domain's tests run in a process of their own without pytest-qt, which proves the pure core
# needs no Qt (tests/domain/conftest.py fails if PySide6 was imported); everything else follows.
PYTEST_NO_QT := -p no:pytest-qt -W ignore::pytest.PytestConfigWarning

test: install
	$(BIN)/python -m pytest $(PYTEST_NO_QT) tests/domain
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest --ignore=tests/domain

run: install
	$(BIN)/amk-console --simulate

# Refresh the translation sources from the window's and the map's code; new strings come out
# marked unfinished for Qt Linguist. Then compile them again for this working tree (a wheel
# compiles its own at build time, setup.py).
I18N_SOURCES = console/ui/*.py console/maps/*.py

i18n: install
	$(BIN)/pyside6-lupdate $(I18N_SOURCES) -ts resources/i18n/amk_console_da.ts -no-obsolete
	$(BIN)/pyside6-lupdate $(I18N_SOURCES) -ts resources/i18n/amk_console_en.ts -no-obsolete -pluralonly
	$(BIN)/python -m console.ui.i18n resources/i18n

bench: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

lint: install
	$(BIN)/ruff check console tests bench packaging
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) build *.egg-info
