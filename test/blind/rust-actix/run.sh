#!/usr/bin/env bash
# Captures testdata/blind/rust-actix: actix-web 4 + opentelemetry-instrumentation-actix-web (server and awc
# client spans), deadpool-postgres over tokio-postgres, the config crate's environment source, tracing events
# exported as OTLP logs by opentelemetry-appender-tracing 0.33, against a throw-away PostgreSQL. Built with cargo
# from Cargo.lock (--locked) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/rust-actix"
bin="$CACHE/blind-rust-actix-$(key "$HERE/Cargo.toml" "$HERE/Cargo.lock" "$HERE/src/main.rs")"
if [[ ! -x "$bin" ]]; then
	(cd "$HERE" && CARGO_TARGET_DIR="$CACHE/blind-rust-actix-target" cargo build --locked -q)
	cp "$CACHE/blind-rust-actix-target/debug/shop-actix" "$bin.tmp" && mv "$bin.tmp" "$bin"
fi
capture rust-actix shop-actix -timeout -template -- "$bin"
