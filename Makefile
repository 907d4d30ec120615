# Two commands do all set-up on a fresh machine with only python3 and pip:
#   make demo   -- the lecture walkthrough: plots, the graph and the interactive page in out/
#   make test   -- the whole test suite, PyTorch 2.13 (CPU) as the oracle
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip -q --disable-pip-version-check

.PHONY: demo test bench lint clean docs

$(VENV)/.demo: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[plot,examples]'
	touch $@

$(VENV)/.test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -e '.[test,plot,examples,browser]'
	touch $@ $(VENV)/.demo

$(VENV)/.bench: pyproject.toml $(VENV)/.test
	$(PIP) install -e '.[bench]'
	touch $@

demo: $(VENV)/.demo
	$(PY) -m chainrule.demo.lecture --out out --html out/lecture.html
	$(PY) examples/house_prices.py --out out

# The compiled core (src/chainrule/engine/_core*.c) is rebuilt when its source changes; the
# suite runs twice: with the compiled core, then with the pure-Python one and the doctests.
$(VENV)/.core: $(VENV)/.test setup.py $(wildcard src/chainrule/engine/_core*.c)
	$(PIP) install --no-deps -e .
	touch $@

test: $(VENV)/.test $(VENV)/.core
	@$(PY) -c "import chainrule.engine as e; print('core:', e.core_name())"
	$(PY) -m pytest -n 2 tests
	CHAINRULE_PURE=1 $(PY) -m pytest -n 2 --doctest-modules src/chainrule tests

bench: $(VENV)/.bench
	$(PY) benchmarks/run.py

docs: $(VENV)/.demo
	$(PY) -m chainrule.viz.examples docs

lint: $(VENV)/.test
	$(PY) -m ruff check src tests benchmarks examples
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) out build src/*.egg-info src/chainrule/engine/*.so
