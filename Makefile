# Two commands do everything on a fresh machine (README.md):
#   make book   set up .venv, fetch the site's JS from npm, execute the chapters, build _build/html
#   make test   the same set-up, then ruff and pytest (library, notebooks, grader, built site)
SHELL      := /bin/bash
PYTHON     ?= python3
VENV       ?= .venv
BIN        := $(VENV)/bin
# torch goes in first, so that pip does not choose a build for you; override for a CUDA or
# CPU-only build, e.g. TORCH_SPEC="torch --index-url https://download.pytorch.org/whl/cpu".
TORCH_SPEC ?= torch==2.13.0
VENDOR     := book/_static/third_party

.PHONY: book test setup assets lab lint clean

book: setup assets
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "The book is in _build/html/index.html"

test: book
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

setup: $(VENV)/.setup-done

$(VENV)/.setup-done: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet $(TORCH_SPEC)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# MathJax, require.js and the Jupyter widgets HTML manager come from npm (package-lock.json);
# plotly.js comes from the plotly Python package.  None of it is committed.
assets: $(VENDOR)/.done

$(VENDOR)/.done: Makefile package.json package-lock.json $(VENV)/.setup-done
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp -r node_modules/mathjax/es5 $(VENDOR)/mathjax
	cp node_modules/requirejs/require.js $(VENDOR)/require.js
	mkdir -p $(VENDOR)/@jupyter-widgets/html-manager/dist  # the npm layout, as require.js names it
	cp node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js \
	   $(VENDOR)/@jupyter-widgets/html-manager/dist/
	# Each bundle in embed-amd.js looks for its fonts beside its own AMD module name:
	# @jupyter-widgets/{base,controls} in @jupyter-widgets/, the embedder in html-manager/dist/.
	for d in @jupyter-widgets @jupyter-widgets/html-manager/dist; do \
	    cp node_modules/@jupyter-widgets/html-manager/dist/*.{woff,woff2,ttf,eot,svg} $(VENDOR)/$$d/; \
	done
	$(BIN)/python -c "from plotly.offline import get_plotlyjs; \
	    open('$(VENDOR)/plotly.min.js', 'w').write(get_plotlyjs())"
	touch $@

lab: setup
	$(BIN)/jupyter lab book/

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf _build $(VENDOR)
