# The two commands of the README: `make demo` and `make test`. Everything they need is installed here.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# Packages the type checker covers (strictness per package in pyproject.toml).
MYPY_PACKAGES := mailtui
# Debian packages the test suite talks to (real servers, not mocks).
DEB_PACKAGES := dovecot-imapd postfix openssl tmux pflogsumm libmail-dkim-perl libmail-spf-perl gpg

.PHONY: demo test venv bytecode system-deps lint lint-code format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Bytecode written now, not at the first run: an editable install (-e) leaves mailtui
# uncompiled, and with PYTHONDONTWRITEBYTECODE set (as in many containers) every start
# would compile every module again (~0.3 s of the first screen). Up to date: stats only.
bytecode: venv
	$(BIN)/python -m compileall -q mailtui

system-deps:
	@sh .ci/system-deps.sh $(DEB_PACKAGES)

demo: venv bytecode
	$(BIN)/mailtui --demo

test: venv bytecode system-deps lint-code
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

# ruff, the layer contracts of pyproject.toml (import-linter) and the type checker.
lint-code: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy $(MYPY_PACKAGES)

lint: lint-code
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache snapshot_report.html
