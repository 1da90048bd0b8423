# Quick start: `make demo` and `make test`; both set themselves up in .venv.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA := data/val_de_fensch
OUT := out/val_de_fensch

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/bootstrap.sh
	./scripts/bootstrap.sh

demo: $(STAMP)
	$(BIN)/symbiosis check $(DATA)
	$(BIN)/symbiosis match $(DATA) --out $(OUT)/links.csv
	$(BIN)/symbiosis optimize $(DATA) --out $(OUT)/plan
	$(BIN)/symbiosis scenario $(DATA) $(DATA)/scenarios/*.toml --out $(OUT)/scenarios
	./scripts/system-deps.sh
	$(BIN)/symbiosis report $(DATA) --out $(OUT)/rapport.html $(foreach s,$(wildcard $(DATA)/scenarios/*.toml),--scenario $(s))
	$(BIN)/symbiosis report $(DATA) --out $(OUT)/rapport.pdf $(foreach s,$(wildcard $(DATA)/scenarios/*.toml),--scenario $(s))
	@echo "Rapports du comité : $(OUT)/rapport.html et $(OUT)/rapport.pdf"

test: $(STAMP)
	./scripts/system-deps.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -n auto

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache
