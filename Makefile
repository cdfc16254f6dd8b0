# netvet — see README.md. Every target works on a fresh clone with Go installed.
GO        ?= go
BIN       := bin/netvet
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
FUZZTIME  ?= 20s

.PHONY: build run test test-short bench bench-peers bench-peers-copy bench-peers-accept top-cpu load-serve fuzz lint clean

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/netvet

# The main job: netvet check on this host (root shows more: ethtool, IRQ affinity).
run: build
	@# check exits 1/2 when it finds warnings/criticals: a result, not a make
	@# failure. Only 3 (could not check) fails the target.
	@./$(BIN) check; code=$$?; [ $$code -le 2 ]

# All tests. Root runs the namespace and real-kernel tests too; as a normal
# user they skip with a reason. -count=1: some tests read the live kernel or
# run `go list`, which the test cache cannot see.
test:
	$(GO) test -count=1 -timeout 45m ./...

test-short:
	$(GO) test -short ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Peer benchmarks (numbers for the closing notes): each benchmark adds its
# part as a prerequisite. Needs Debian's iperf3, wrk and jq.
bench-peers: bench-peers-copy bench-peers-accept

# netvet bench copy next to iperf3 / iperf3 -Z on loopback, with ratios and
# the memcpy ceiling (SIZE, CHUNK, REPEAT, PIN_SENDER, PIN_SINK from the
# environment).
bench-peers-copy:
	scripts/bench-peers.sh

# wrk vs the built-in generator of `netvet bench accept` (ratio must be >= 1).
bench-peers-accept: build
	scripts/bench-peers-accept.sh

# What netvet top costs live at 1 s on this host: the process's CPU time over
# 60 s in a tmux terminal (needs Debian's tmux; takes a minute).
top-cpu:
	NETVET_TOP_CPU=1 $(GO) test -count=1 -run '^TestTopCPU$$' -v ./cmd/netvet

# 50 concurrent scrapers on netvet serve for 30 s: latency percentiles and
# the serve process's peak RSS (cmd/netvet/serve_load_test.go).
load-serve:
	NETVET_LOAD=1 $(GO) test -count=1 -run '^TestServeLoad$$' -v ./cmd/netvet

# Every fuzz target for FUZZTIME each (see .ci/fuzz).
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) .ci/fuzz

lint:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

clean:
	rm -rf bin
