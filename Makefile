# tibox: `make help` lists the targets.
SHELL := /bin/bash
# Everything runs on the Node 24 that package.json pins, not on the machine's own Node.
export PATH := $(CURDIR)/node_modules/node/bin:$(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: help setup setup-image image image-test build bundle executables demo test test-unit test-integration test-e2e typecheck lint lab-clean bench bench-tunnel bench-datapath bench-faults bench-update bench-webui

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

setup: ## install missing Debian packages and npm dependencies (Node 24 from the npm registry)
	@scripts/setup.sh

build: setup ## compile the agent and the CLI to build/, the JavaScript the box runs (bin/tibox, bin/tibox-node)
	@scripts/build.sh

executables: setup ## the agent and the CLI as one Node single executable with its addons, in image/out/tibox/ (docs/image.md)
	node image/executables.ts

setup-image: ## install the Debian packages the image build and its test need (mmdebstrap, GRUB, qemu, OVMF, ...)
	@scripts/setup-image.sh

image: setup setup-image executables ## the disk image and a RAUC bundle of its root filesystem, in image/out/image/ (docs/image.md)
	node image/build.ts

image-test: setup setup-image executables ## build the test image and boot it in qemu: boot unit first, agent ready, every unit active (CI runs it after make test)
	node image/build.ts --test
	vitest run --project image --reporter=default --reporter=./scripts/test-summary.ts

demo: build ## bring up the lab with a simulated datacenter and run the agent in it (Ctrl-C ends it)
	node test/lab/main.ts demo

bundle: build ## build and sign a RAUC bundle of the agent's build (SIGNING_CERT=, SIGNING_KEY=; BUNDLE=, COMPATIBLE=)
	scripts/bundle.sh --cert "$(SIGNING_CERT)" --key "$(SIGNING_KEY)" --out "$(or $(BUNDLE),tibox.raucb)" --compatible "$(or $(COMPATIBLE),tibox)"

lab-clean: setup ## remove the labs whose owner process is gone (running labs stay)
	node test/lab/main.ts clean

typecheck: ## type-check all sources and tests
	tsc -p tsconfig.json

lint: ## lint all sources and tests
	eslint --max-warnings=0 .

test: setup typecheck lint ## install what is missing, then run every test but the image's (unit and integration, as root)
	vitest run --project unit --project integration --reporter=default --reporter=./scripts/test-summary.ts

test-unit: ## run the unit tests only (no root needed)
	vitest run --project unit

test-integration: ## run the integration tests only (root, network namespaces, real components)
	vitest run --project integration

test-e2e: setup ## run the web UI's end-to-end tests only (headless Chromium in the lab, root)
	vitest run --project integration test/e2e

bench: bench-tunnel bench-datapath bench-faults bench-update bench-webui ## run every benchmark (not part of make test; results in bench/results/)

bench-tunnel: build ## tunnel recovery after faults, tibox against plain strongSwan (about an hour; QUICK=1 for a quick look)
	node bench/tunnel.ts

bench-faults: build ## the fault catalogue: each fault heals by itself, long outages included, nothing in clear (about 25 min; QUICK=1 for a quick look)
	node bench/faults.ts

bench-update: setup ## remote management: requests and bytes per box and day, the DDI server's CPU for 1000 clients, the fleet's return after an outage, 50/200/500 MB bundles against curl + rauc install (about 10 min; QUICK=1 for a quick look)
	node bench/update.ts

bench-datapath: build ## data path with 10/100/1000 hosts: apply time, throughput against no table, agent memory and idle CPU; throughput at each line MTU (about 15 min; QUICK=1 for a quick look)
	node bench/datapath.ts

bench-webui: build ## the web UI: bytes per page, latency with 1/10/50 clients against bare Node's HTTPS, its memory idle (a few minutes; QUICK=1 for a quick look)
	node bench/webui.ts
