#!/usr/bin/env bash
# End-to-end test bed of the errordiagnosis processor (issue 4): instrumented Go
# services, a real PostgreSQL and MariaDB, the collector built by `make build`,
# and a real Jaeger v2, all on free loopback ports. Called by `make integration`.
#
# Installs what is missing (Debian packages postgresql and mariadb-server),
# builds the collector (`make build`, a no-op when up to date) and Jaeger v1.76.0
# (cached under $EDX_CACHE_DIR, default ~/.cache/errordiagnosis), then runs
# `go test` in this module. Environment:
#   EDX_CACHE_DIR   where the Jaeger binary is cached
#   EDX_REPORT      where the per-case markdown table is written (default: .cache/report.md)
#   EDX_KEEP=1      keep the temp dir (databases, collector/jaeger logs, traces.json)
#   EDX_TEST_RUN    -run pattern for go test (default: all)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE="${EDX_CACHE_DIR:-${HOME:-/root}/.cache/errordiagnosis}"
JAEGER_VERSION=v1.76.0
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

T0=$(date +%s)
step_start=$T0
step() { # step NAME: prints the time the previous step took
	local now; now=$(date +%s)
	echo "integration: [$((now - T0))s] $*"
	step_start=$now
}

mkdir -p "$CACHE" "$HERE/.cache"
MODE="${1:-test}" # "build-jaeger": only build and cache Jaeger (e.g. early, in the background)

# ---- Jaeger, built from the wrapper module (in the background: it takes minutes cold)
jaeger_key=$(cat "$HERE/jaeger/go.mod" "$HERE/jaeger/go.sum" | sha256sum | cut -c1-12)
JAEGER_BIN="$CACHE/jaeger-$JAEGER_VERSION-$jaeger_key"
jaeger_pid=""
if [[ -x "$JAEGER_BIN" ]]; then
	step "jaeger: cached $JAEGER_BIN"
else
	step "jaeger: building $JAEGER_VERSION (cold: ~4-6 min) -> $JAEGER_BIN"
	(
		# One build at a time (a `build-jaeger` run may already be at it).
		exec 9> "$CACHE/jaeger.lock"
		flock 9
		if [[ -x "$JAEGER_BIN" ]]; then echo "integration: jaeger built by another run"; exit 0; fi
		cd "$HERE/jaeger"
		s=$(date +%s)
		go build -trimpath -ldflags='-s -w' -o "$JAEGER_BIN.tmp.$$" github.com/jaegertracing/jaeger/cmd/jaeger
		mv "$JAEGER_BIN.tmp.$$" "$JAEGER_BIN"
		echo "integration: jaeger built in $(($(date +%s) - s))s"
	) > "$HERE/.cache/jaeger-build.log" 2>&1 &
	jaeger_pid=$!
fi

if [[ "$MODE" == "build-jaeger" ]]; then
	[[ -z "$jaeger_pid" ]] || { wait "$jaeger_pid" || { tail -40 "$HERE/.cache/jaeger-build.log"; exit 1; }; }
	cat "$HERE/.cache/jaeger-build.log" 2>/dev/null || true
	step "jaeger: ready $JAEGER_BIN"
	exit 0
fi

# ---- Debian packages
need=()
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || need+=(postgresql)
{ command -v mariadbd || [[ -x /usr/sbin/mariadbd ]]; } > /dev/null 2>&1 || need+=(mariadb-server)
command -v redis-server > /dev/null 2>&1 || need+=(redis-server)
command -v java > /dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn > /dev/null 2>&1 || need+=(maven)
if ((${#need[@]})); then
	step "apt: installing ${need[*]}"
	SUDO=""
	[[ $(id -u) -eq 0 ]] || SUDO="sudo"
	# Keep the packages' own services from starting on the default ports.
	policy_added=""
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d > /dev/null
		$SUDO chmod +x /usr/sbin/policy-rc.d
		policy_added=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	if ! $SUDO apt-get install -y --no-install-recommends "${need[@]}" > "$HERE/.cache/apt.log" 2>&1; then
		$SUDO apt-get update > "$HERE/.cache/apt.log" 2>&1
		$SUDO apt-get install -y --no-install-recommends "${need[@]}" >> "$HERE/.cache/apt.log" 2>&1 ||
			{ tail -30 "$HERE/.cache/apt.log"; exit 1; }
	fi
	[[ -z "$policy_added" ]] || $SUDO rm -f /usr/sbin/policy-rc.d
	step "apt: done"
else
	step "apt: postgresql, mariadb-server and redis-server present"
fi

# ---- Python services: a virtualenv from python/requirements.lock (every package
# pinned), cached under $CACHE keyed by the lock file and the interpreter.
PYTHON="${EDX_PYTHON:-python3}"
py_key=$({ "$PYTHON" -c 'import sys; print(sys.version)'; cat "$HERE/python/requirements.lock"; } | sha256sum | cut -c1-12)
export EDX_PYTHON_VENV="$CACHE/pyvenv-$py_key"
if [[ -f "$EDX_PYTHON_VENV/.complete" ]]; then
	step "python: cached venv $EDX_PYTHON_VENV"
else
	step "python: building venv $EDX_PYTHON_VENV"
	(
		exec 9> "$CACHE/pyvenv.lock"
		flock 9
		[[ -f "$EDX_PYTHON_VENV/.complete" ]] && exit 0
		rm -rf "$EDX_PYTHON_VENV"
		if ! "$PYTHON" -m venv "$EDX_PYTHON_VENV"; then # Debian's python3 needs python3-venv
			[[ $(id -u) -eq 0 ]] || SUDO="sudo"
			${SUDO:-} apt-get install -y --no-install-recommends python3-venv || { ${SUDO:-} apt-get update && ${SUDO:-} apt-get install -y --no-install-recommends python3-venv; }
			rm -rf "$EDX_PYTHON_VENV"
			"$PYTHON" -m venv "$EDX_PYTHON_VENV"
		fi
		"$EDX_PYTHON_VENV/bin/pip" install -q --no-deps -r "$HERE/python/requirements.lock"
		"$EDX_PYTHON_VENV/bin/pip" check
		touch "$EDX_PYTHON_VENV/.complete"
	) > "$HERE/.cache/pyvenv.log" 2>&1 || { tail -30 "$HERE/.cache/pyvenv.log"; exit 1; }
	step "python: venv built"
fi

# ---- Node.js service: node_modules from node/package-lock.json (npm ci), cached
# under $CACHE keyed by the lock file and the node version.
node_key=$({ node --version; cat "$HERE/node/package-lock.json"; } | sha256sum | cut -c1-12)
export EDX_NODE_MODULES="$CACHE/node-$node_key"
if [[ -f "$EDX_NODE_MODULES/.complete" ]]; then
	step "node: cached modules $EDX_NODE_MODULES"
else
	step "node: npm ci into $EDX_NODE_MODULES"
	(
		exec 9> "$CACHE/node.lock"
		flock 9
		[[ -f "$EDX_NODE_MODULES/.complete" ]] && exit 0
		rm -rf "$EDX_NODE_MODULES"
		mkdir -p "$EDX_NODE_MODULES"
		cp "$HERE/node/package.json" "$HERE/node/package-lock.json" "$EDX_NODE_MODULES/"
		(cd "$EDX_NODE_MODULES" && npm ci --no-audit --no-fund --loglevel=error)
		touch "$EDX_NODE_MODULES/.complete"
	) > "$HERE/.cache/node.log" 2>&1 || { tail -30 "$HERE/.cache/node.log"; exit 1; }
	step "node: modules installed"
fi

# ---- Prometheus 2.42 (Debian) for TestTwoTier's alert rules and dashboard queries
bash "$ROOT/scripts/install-prometheus.sh"

# ---- the collector under test
step "collector: make build"
make -C "$ROOT" build
COLLECTOR_BIN="${COLLECTOR:-$ROOT/bin/otelcol-errordiagnosis}"
[[ -x "$COLLECTOR_BIN" ]] || { echo "integration: $COLLECTOR_BIN missing after make build" >&2; exit 1; }

# ---- Java services: the Spring Boot jar and the OpenTelemetry Java agent
# (java/pom.xml, every version pinned), cached under $CACHE keyed by the pom and
# the sources; ~/.m2 is Maven's own cache (offline when it is warm).
java_key=$(cd "$HERE/java" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)
JAVA_DIR="$CACHE/java-$java_key"
if [[ -f "$JAVA_DIR/.complete" ]]; then
	step "java: cached $JAVA_DIR"
else
	step "java: building with Maven (empty ~/.m2: ~20 s) -> $JAVA_DIR"
	(
		exec 9> "$CACHE/java.lock"
		flock 9
		[[ -f "$JAVA_DIR/.complete" ]] && exit 0
		cd "$HERE/java"
		s=$(date +%s)
		mvn -B -q -o -DskipTests package 2> /dev/null || mvn -B -q -DskipTests package
		mkdir -p "$JAVA_DIR.tmp.$$"
		cp target/edx-java-shop.jar target/opentelemetry-javaagent.jar "$JAVA_DIR.tmp.$$/"
		rm -rf "$JAVA_DIR" && mv "$JAVA_DIR.tmp.$$" "$JAVA_DIR" && touch "$JAVA_DIR/.complete"
		echo "integration: java built in $(($(date +%s) - s))s"
	) > "$HERE/.cache/java-build.log" 2>&1 || { tail -40 "$HERE/.cache/java-build.log"; exit 1; }
	cat "$HERE/.cache/java-build.log"
fi
export EDX_JAVA_JAR="$JAVA_DIR/edx-java-shop.jar" EDX_JAVA_AGENT="$JAVA_DIR/opentelemetry-javaagent.jar"

# ---- compile the test while Jaeger may still be building
step "test: compiling"
(cd "$HERE" && go test -count=1 -run '^$' ./... > /dev/null)

if [[ -n "$jaeger_pid" ]]; then
	step "jaeger: waiting for the build"
	if ! wait "$jaeger_pid"; then
		tail -40 "$HERE/.cache/jaeger-build.log"
		echo "integration: jaeger build failed" >&2
		exit 1
	fi
	cat "$HERE/.cache/jaeger-build.log"
fi

# ---- the test
step "test: go test"
export EDX_COLLECTOR_BIN="$COLLECTOR_BIN" EDX_JAEGER_BIN="$JAEGER_BIN" EDX_REQUIRE=1
export EDX_REPORT="${EDX_REPORT:-$HERE/.cache/report.md}"
rc=0
(cd "$HERE" && go test -v -count=1 -timeout 30m -run "${EDX_TEST_RUN:-.}" ./...) || rc=$?
step "done (exit $rc); total $(($(date +%s) - T0))s; report: $EDX_REPORT"
exit $rc
