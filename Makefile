# ndsim: build, test and demo on a bare Debian machine. Every target
# installs what is missing first (Debian packages, then npm ci).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# FUSE 2 (fuse, libfuse2), not fuse3: fuse3 replaces fusermount with
# fusermount3, and auto-unmount then stops cleaning up after a killed daemon.
# util-linux (unshare) and mount bind the fake sys over /sys for `ndsim run`;
# gcc/libc6-dev build the preload shim; busybox is the shell the captures used;
# jq is what ndctl's own test scripts parse JSON with.
APT_PACKAGES := fuse libfuse2 ndctl util-linux mount gcc libc6-dev make busybox jq
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

# npm run build compiles the TypeScript and the preload shim (native-shim/).
build: deps
	npm run build

# The whole test suite (unit, integration against a mounted daemon, conformance).
test: deps
	npm test

# The main job: start the default topology, run the unmodified ndctl inside
# it (fake /sys bound over /sys in a private mount namespace, /dev/ndctlN and
# /dev/nmemN through the preload shim), tear everything down.
demo: build
	node bin/ndsim.js run -- ndctl list -BDFH -vvv

bench: build
	npm run bench

clean:
	rm -rf dist
	$(MAKE) -C native-shim clean
