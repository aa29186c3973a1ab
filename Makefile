# ndflow developer targets (GNU make). `make help` lists them.
#
# Two virtualenvs: .venv (ndflow + test tools; no TensorFlow, ever) and .venv-tf (the oracle:
# real TensorFlow for conformance tests, golden files and benchmarks). Each is set up once and
# re-installed only when pyproject.toml changes (stamp files .venv/.installed, .venv-tf/.installed).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
.NOTPARALLEL:

PYTHON ?= python3
VENV := .venv
TF_VENV := .venv-tf
PY := $(VENV)/bin/python
TF_PY := $(TF_VENV)/bin/python
PIP_INSTALL = -m pip install --disable-pip-version-check -q
TF_PACKAGES := tensorflow-cpu==2.21.0 tensorboard==2.21.0 tensorflow-serving-api==2.21.0 \
	tf-keras==2.21.0

.PHONY: help venv tf-venv test lint layers format linecount demo conformance goldens bench \
	clean distclean

help:
	@echo "make test         lint, layer check, and the test suite (no TensorFlow)"
	@echo "make lint         ruff check + ruff format --check + tools/check_layers.py"
	@echo "make format       ruff format ."
	@echo "make demo         the end-to-end demo: TFRecords, tf.data, Estimator, SavedModel, serving"
	@echo "make conformance  tests marked conformance, in the TensorFlow oracle venv"
	@echo "make goldens      regenerate tests/golden with real TensorFlow"
	@echo "make bench        every benchmark in bench/, against TF; writes bench/RESULTS.md"
	@echo "make linecount    code lines per package"
	@echo "make clean        remove caches and build output (keeps the venvs)"
	@echo "make distclean    clean, and remove .venv and .venv-tf"

# --- virtualenvs -----------------------------------------------------------------------------

venv: $(VENV)/.installed
tf-venv: $(TF_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) $(PIP_INSTALL) -e '.[test]'
	touch $@

# .venv-tf may already exist with TensorFlow but without ndflow or the stamp: pip then only
# adds what is missing.
$(TF_VENV)/.installed: pyproject.toml
	test -x $(TF_PY) || $(PYTHON) -m venv $(TF_VENV)
	$(TF_PY) $(PIP_INSTALL) $(TF_PACKAGES) -e '.[test]'
	touch $@

# --- checks ----------------------------------------------------------------------------------

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) tools/check_layers.py

layers:
	$(PYTHON) tools/check_layers.py

test: lint
	$(PY) -m pytest -m "not conformance" -n 2 -q

# tf.compat.v1.layers (checked by the API-name conformance test) lives in tf-keras.
conformance: $(TF_VENV)/.installed
	TF_USE_LEGACY_KERAS=1 $(TF_PY) -m pytest -m conformance -q tests

format: $(VENV)/.installed
	$(PY) -m ruff format .

linecount:
	$(PYTHON) tools/linecount.py

# --- programs --------------------------------------------------------------------------------

# The seed's story end to end (examples/demo.py). DEMO_ARGS=--quick is the reduced run CI
# makes; once the oracle venv exists (make conformance / make bench), TensorFlow's timings are
# shown next to ndflow's.
DEMO_ARGS ?=
demo: $(VENV)/.installed
	$(PY) -m examples.demo $(DEMO_ARGS) $(if $(wildcard $(TF_VENV)/.installed),--tf-python $(TF_PY))

goldens: $(TF_VENV)/.installed
	$(TF_PY) tools/make_goldens.py

bench: $(VENV)/.installed $(TF_VENV)/.installed
	$(PY) bench/run_all.py --tf-python $(TF_PY)

# --- cleaning --------------------------------------------------------------------------------

clean:
	find . \( -path ./$(VENV) -o -path ./$(TF_VENV) -o -path ./.git \) -prune -o \
		-type d -name __pycache__ -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache build dist *.egg-info demo_output

distclean: clean
	rm -rf $(VENV) $(TF_VENV)
