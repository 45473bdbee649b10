# The mirror's tasks. `make` (= `make build`) builds the archive into public/.
GO        ?= go
MIRROR    := bin/mirror
BUILDFLAGS ?=
SOURCES   := $(shell find tools -name '*.go' -not -name '*_test.go') go.mod go.sum

.DEFAULT_GOAL := build
.PHONY: build test vet clean help audit screenshots init serve bench

build: $(MIRROR) ## Build the archive from content/ into public/ (BUILDFLAGS="--strict" etc.)
	$(MIRROR) build $(BUILDFLAGS)

# Rebuilt only when a Go source, go.mod or go.sum changed. The first build
# compiles Hugo and takes a few minutes; later ones reuse Go's build cache.
$(MIRROR): $(SOURCES)
	$(GO) build -o $@ ./tools/cmd/mirror

test: vet ## Run go vet, check gofmt, and run all tests (naming those that skipped, and why)
	$(GO) build -o bin/testsummary ./tools/cmd/testsummary
	$(GO) test -json ./... | bin/testsummary

vet:
	$(GO) vet ./...
	@unformatted=$$("$$($(GO) env GOROOT)/bin/gofmt" -l tools); if [ -n "$$unformatted" ]; then echo "not gofmt'ed: $$unformatted" >&2; exit 1; fi

init: $(MIRROR) ## Make it yours: asks for title, URL, language, image hosts (INITFLAGS="--clear-examples" etc.)
	$(MIRROR) init $(INITFLAGS)

serve: $(MIRROR) ## Preview on http://127.0.0.1:1313/, rebuilding on every change
	$(MIRROR) serve $(SERVEFLAGS)

clean: ## Remove bin/, public/ and the build cache (the content and the image store stay)
	rm -rf bin public .public.trash-* .public.building-* .mirror-cache

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

BENCH_N ?= 1000,10000
# The search index alone, on synthetic text (no site): its size at scale.
BENCH_SEARCH_N ?= 100000
# With versitygw installed (see .ci/run), the builds are also run with the
# images in a media bucket on it.
VERSITYGW ?= $(shell command -v versitygw || ls "$$($(GO) env GOPATH)/bin/versitygw" 2>/dev/null)
bench: $(MIRROR) ## Baseline vs cold, warm and incremental builds on synthetic archives (BENCH_N=1000,10000)
	$(GO) build -o bin/mirror-bench ./tools/cmd/mirror-bench
	bin/mirror-bench -n $(BENCH_N) $(if $(VERSITYGW),-bucket $(VERSITYGW))
	bin/mirror-bench -search-only $(BENCH_SEARCH_N)
	$(GO) test -run '^$$' -bench . -benchtime 3x ./tools/internal/validate ./tools/internal/images ./tools/internal/transform
	$(GO) test -run "^$$" -bench CheckRate -benchtime 1x ./tools/internal/status

audit: build ## Lighthouse on the site's page types and every real fetched article (writes docs/audit.json)
	cd scripts/audit && npm ci --no-audit --no-fund
	scripts/audit/real-site.sh .audit-real
	node scripts/audit/audit.mjs public docs/audit.json .audit-real/public

screenshots: ## Screenshots of the theme into docs/screenshots (needs chromium)
	$(GO) test ./tools/internal/build -run TestScreenshots -args -screenshots
