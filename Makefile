# ndsim: build, test and demo on a bare Debian machine. Every target
# installs what is missing first (Debian packages, then npm ci).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# FUSE 2 (fuse, libfuse2), not fuse3: fuse3 replaces fusermount with
# fusermount3, and auto-unmount then stops cleaning up after a killed daemon.
APT_PACKAGES := fuse libfuse2 ndctl util-linux
NPM_STAMP := node_modules/.package-lock.json

.PHONY: all deps apt-deps build test demo bench clean

all: build

apt-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

deps: apt-deps $(NPM_STAMP)

build: deps
	npm run build

# The whole test suite (unit, integration against a mounted daemon, conformance).
test: deps
	npm test

# Mount the default topology, show the unmodified ndctl listing it from a
# private mount namespace where the fake sys is bound over /sys, unmount.
demo: build
	@mnt=$$(mktemp -d /tmp/ndsim-demo.XXXXXX); log=$$mnt.log; \
	node bin/ndsim.js mount "$$mnt" >"$$log" 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; wait $$pid 2>/dev/null; fusermount -u "$$mnt" 2>/dev/null || fusermount -uz "$$mnt" 2>/dev/null || true; rmdir "$$mnt"; rm -f "$$log"' EXIT; \
	for _ in $$(seq 200); do grep -q 'mounted at' "$$log" && break; kill -0 $$pid || { cat "$$log"; exit 1; }; sleep 0.05; done; \
	cat "$$log"; \
	echo '$$ ndctl list -BDRN -i'; \
	timeout 60 unshare --mount sh -c "mount --bind '$$mnt/sys' /sys && ndctl list -BDRN -i"

bench: build
	npm run bench

clean:
	rm -rf dist
