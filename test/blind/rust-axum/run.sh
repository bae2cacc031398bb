#!/usr/bin/env bash
# Captures testdata/blind/rust-axum: axum 0.8 + axum-tracing-opentelemetry, sqlx
# 0.8 (PostgreSQL pool), reqwest, tracing-opentelemetry 0.34 with the OTLP/HTTP
# exporter 0.33, against a throw-away PostgreSQL. Built with cargo from
# Cargo.lock (--locked) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/rust-axum"
bin="$CACHE/blind-rust-axum-$(key "$HERE/Cargo.toml" "$HERE/Cargo.lock" "$HERE/src/main.rs")"
if [[ ! -x "$bin" ]]; then
	(cd "$HERE" && CARGO_TARGET_DIR="$CACHE/blind-rust-axum-target" cargo build --locked -q)
	cp "$CACHE/blind-rust-axum-target/debug/shop-axum" "$bin.tmp" && mv "$bin.tmp" "$bin"
fi
capture rust-axum shop-axum -- "$bin"
