# Vigil — see README.md. Every target installs what it needs (`make deps`).
SWIFT      ?= swift
AGENTS_OUT := $(CURDIR)/.build/agents
RELEASE    := $(CURDIR)/.build/release
export VIGIL_AGENTS_DIR := $(AGENTS_OUT)
# Open MPI refuses root unless told; tests and demo run as root on CI.
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1

.PHONY: all deps build agents test fuzz soak bench demo clean cluster-up cluster-down cluster-status

all: build

deps:
	@bash scripts/deps.sh

agents: deps
	@$(MAKE) -s -C agents OUT=$(AGENTS_OUT)

build: deps agents
	$(SWIFT) build

# One build of everything, tests included; then the tests, one at a time:
# the MPI tests oversubscribe the two cores already.
test: deps agents
	$(SWIFT) build --build-tests
	VIGIL_BIN=$(CURDIR)/.build/debug/vigil $(SWIFT) test --skip-build --no-parallel

# The wire decoders against 1M hostile inputs (make test runs 100k).
fuzz: deps
	VIGIL_FUZZ_INPUTS=1000000 $(SWIFT) test --no-parallel --filter DecoderFuzzTests

# Checkpoint crash consistency: 50 random kills (make test runs 3).
soak: build
	VIGIL_BIN=$(CURDIR)/.build/debug/vigil VIGIL_CKPT_CRASH_TRIALS=50 $(SWIFT) test --no-parallel --filter CheckpointCrashTests

bench: deps agents
	$(SWIFT) build -c release
	@bash scripts/bench.sh $(RELEASE) $(AGENTS_OUT)

# FAULT=hang|crash|slow|link|node|none (crash), HEALTHY=SECONDS before it (15), HEADLESS=1 prints the story instead of opening the console.
demo: build
	@bash scripts/demo.sh $(CURDIR)/.build/debug/vigil $(AGENTS_OUT) --fault $(or $(FAULT),crash) --healthy $(or $(HEALTHY),15) $(if $(HEADLESS),--headless)

# The namespace bench: N hosts with their own sshd on a private bridge (docs/launch.md); SLURM=1 adds a Slurm (docs/slurm.md).
N ?= 4
cluster-up: deps
	@VIGIL_CLUSTER_SLURM=$(or $(SLURM),0) bash scripts/cluster.sh up $(N)

cluster-down:
	@bash scripts/cluster.sh down

cluster-status:
	@bash scripts/cluster.sh status

clean:
	@$(MAKE) -s -C agents clean OUT=$(AGENTS_OUT)
	$(SWIFT) package clean
