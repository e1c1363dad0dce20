# Signet: two commands on a fresh machine.
#   make run    installs what is missing, builds, starts `signet dev`: control plane + agent (data in ./.signet)
#   make test   installs what is missing, builds, runs every test
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.signet-install-stamp
PACKAGE_MANIFESTS := package.json package-lock.json $(wildcard services/*/package.json)
DATA_DIR ?= .signet
ARGS ?=

.PHONY: all install build test run bench clean proto help

all: build

help:
	@echo "make run     build and start Signet (data dir $(DATA_DIR))"
	@echo "make test    build and run every test"
	@echo "make bench   build and run the benchmarks, writing BENCHMARKS.md"
	@echo "make clean   remove build output"

install: $(NODE_MODULES_STAMP)

$(NODE_MODULES_STAMP): $(PACKAGE_MANIFESTS)
	@command -v node >/dev/null || { echo "make: Node.js 20 or newer is required (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build: install
	node scripts/build-native.mjs
	npx tsc -b

test: build
	node scripts/run-tests.mjs

run: build
	node services/cli/bin/signet.mjs dev --data-dir $(DATA_DIR) $(ARGS)

bench: build
	node scripts/run-bench.mjs

clean:
	npx tsc -b --clean
	rm -f $(NODE_MODULES_STAMP)
