# `make run` and `make test` set everything up themselves on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first, pinned to the wheels this machine carries; pyproject keeps ranges.
	$(PY) -m pip install --quiet torch==2.14.1 torchvision==0.29.1 || $(PY) -m pip install --quiet "torch>=2.6" "torchvision>=0.21"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# The display check runs before Qt loads: it installs the system libraries Qt's xcb plugin
# lacks (apt-get, as root or with sudo -n) or says which command does, and explains a missing display.
run: $(STAMP)
	@$(PY) -m app.display_check --install
	$(VENV)/bin/netsmith

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

lint: $(STAMP)
	$(PY) -m ruff check engine app tests bench templates/_build

clean:
	rm -rf $(VENV) build *.egg-info
