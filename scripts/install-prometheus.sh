#!/usr/bin/env bash
# Installs Debian's prometheus package (Prometheus 2.42 and promtool) when
# promtool is missing, without starting its service: a policy-rc.d that
# refuses every start keeps it off the default port 9090 (tests start their
# own Prometheus on a free loopback port). Used by `make check-alerts` and
# test/integration/run.sh.
set -euo pipefail

if command -v promtool > /dev/null && command -v prometheus > /dev/null; then
	exit 0
fi
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
log="${TMPDIR:-/tmp}/install-prometheus.$$.log"
echo "installing Debian's prometheus (promtool) with apt; log: $log"
policy_added=""
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d > /dev/null
	$SUDO chmod +x /usr/sbin/policy-rc.d
	policy_added=1
fi
cleanup() { [[ -z "$policy_added" ]] || $SUDO rm -f /usr/sbin/policy-rc.d; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends prometheus > "$log" 2>&1; then
	$SUDO apt-get update >> "$log" 2>&1
	$SUDO apt-get install -y --no-install-recommends prometheus >> "$log" 2>&1 || { tail -30 "$log"; exit 1; }
fi
# No service runs from the package: systemd is not PID 1 in a container, and
# where it is, policy-rc.d kept it from starting; stop it anyway if it did.
if command -v systemctl > /dev/null && [[ -d /run/systemd/system ]]; then
	$SUDO systemctl disable --now prometheus > /dev/null 2>&1 || true
fi
promtool --version | head -1
