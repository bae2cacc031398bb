# Sourced by test/blind/<stack>/run.sh: paths, Debian packages, the capture.
# A stack's script installs its own toolchain's packages from its lock file,
# builds into $CACHE, then calls `capture STACK SERVICE [-redis] -- CMD...`.
set -euo pipefail
BLIND="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BLIND/../.." && pwd)"
CACHE="${EDX_CACHE_DIR:-${HOME:-/root}/.cache/errordiagnosis}"
mkdir -p "$CACHE"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# debs PKG...: apt-get install what is missing, keeping the packages' own
# services from starting on their default ports.
debs() {
	local missing=()
	for p in "$@"; do dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p"); done
	((${#missing[@]})) || return 0
	local added=""
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && added=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		{ apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
	[[ -z "$added" ]] || rm -f /usr/sbin/policy-rc.d
}

# key FILE...: a short hash of the files (and the toolchains' versions), for cache directories.
key() { { go version; node --version 2> /dev/null || true; python3 --version 2> /dev/null || true; cat "$@"; } | sha256sum | cut -c1-12; }

# capture STACK SERVICE [blindcapture flags] -- CMD...: runs the service
# under the driver of test/integration/blindcapture, which writes
# testdata/blind/STACK/ (or $EDX_BLIND_OUT). With $EDX_BLIND_COLLECTOR (a
# collector binary with errordiagnosis, as make integration passes it) the
# service exports through that collector, and what it diagnoses is checked.
capture() {
	local stack=$1 service=$2
	shift 2
	local server=postgresql
	[[ " $* " != *" -db mariadb "* ]] || server=mariadb-server
	debs "$server" redis-server
	local col=()
	[[ -z "${EDX_BLIND_COLLECTOR:-}" ]] || col=(-collector "$EDX_BLIND_COLLECTOR")
	(cd "$ROOT/test/integration" && go run ./blindcapture -stack "$stack" -service "$service" \
		-out "${EDX_BLIND_OUT:-$ROOT/testdata/blind/$stack}" -repeat "${EDX_BLIND_REPEAT:-2}" "${col[@]}" "$@")
}

# npm_modules NAME DIR: node_modules of DIR's package-lock.json (npm ci) in
# $CACHE/NAME-<key>, built once; sets mods to that directory.
npm_modules() {
	mods="$CACHE/$1-$(key "$2/package-lock.json")"
	if [[ ! -f "$mods/.complete" ]]; then
		rm -rf "$mods" && mkdir -p "$mods"
		cp "$2/package.json" "$2/package-lock.json" "$mods/"
		(cd "$mods" && npm ci --no-audit --no-fund --loglevel=error)
		touch "$mods/.complete"
	fi
}

# python_venv NAME LOCK: a virtualenv of LOCK (every package pinned,
# installed --no-deps) in $CACHE/NAME-<key>, built once; sets venv to it.
python_venv() {
	venv="$CACHE/$1-$(key "$2")"
	if [[ ! -f "$venv/.complete" ]]; then
		rm -rf "$venv"
		python3 -m venv "$venv" || { debs python3-venv && rm -rf "$venv" && python3 -m venv "$venv"; }
		"$venv/bin/pip" install -q --no-deps -r "$2"
		"$venv/bin/pip" check
		touch "$venv/.complete"
	fi
}

# maven_build NAME DIR ITEM...: `mvn package` of DIR's pom.xml (every version
# pinned) once into $CACHE/NAME-<key of the pom, the sources and the items>,
# keeping the ITEMs of DIR/target and the Java agent the pom copies there; sets
# out to that directory and java_cmd to the JVM under the agent.
maven_build() {
	local dir=$2
	out="$CACHE/$1-$({ cd "$dir" && find pom.xml src -type f | LC_ALL=C sort | xargs cat && echo "${@:3}"; } | sha256sum | cut -c1-12)"
	if [[ ! -f "$out/.complete" ]]; then
		debs openjdk-17-jdk-headless maven
		(cd "$dir" && { mvn -B -q -o -DskipTests package 2> /dev/null || mvn -B -q -DskipTests package; })
		rm -rf "$out" && mkdir -p "$out"
		(cd "$dir/target" && cp -r "${@:3}" opentelemetry-javaagent.jar "$out/")
		rm -rf "$dir/target"
		touch "$out/.complete"
	fi
	java_cmd=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -javaagent:"$out/opentelemetry-javaagent.jar")
}

# jvm_hosts: the JVM of java_cmd resolves names from a hosts file of the
# loopback names alone (the JDK's jdk.net.hosts.file), so db_unknown_host's
# host fails with no DNS query leaving the machine.
jvm_hosts() {
	hosts="$(mktemp)"
	trap 'rm -f "$hosts"' EXIT
	printf '127.0.0.1 localhost %s\n::1 localhost\n' "$(hostname)" > "$hosts"
	java_cmd+=(-Djdk.net.hosts.file="$hosts")
}
