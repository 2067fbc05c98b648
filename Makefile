# Two commands do everything on a fresh machine: `make run` and `make test`.
PY     ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# CPU build of torch first: an unpinned torch would pull several GB of CUDA packages.
TORCH  := torch==2.13.0

.PHONY: install run test ingest eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@# A CJK font for the tests that draw Chinese scans to OCR (Debian's fonts-noto-cjk).
	@fc-list :lang=zh 2>/dev/null | grep -q . || { command -v apt-get >/dev/null && \
	  { SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-noto-cjk fontconfig; } || \
	  echo "注意：未能安装中文字体 fonts-noto-cjk，OCR 测试将跳过"; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

# Build (or update, incrementally) the knowledge base from corpus/, then start the app.
run: install
	$(BIN)/python -m assistant ingest
	@if [ -f app.py ]; then $(BIN)/python app.py; fi

test: install
	$(BIN)/python -m pytest -q

ingest: install
	$(BIN)/python -m assistant ingest

eval: install
	$(BIN)/python -m assistant eval --out eval/out

clean:
	rm -rf $(VENV) data .pytest_cache
