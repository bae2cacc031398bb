#!/usr/bin/env bash
# Captures testdata/blind/go-echo: Echo v4 + otelecho (contrib), pgxpool +
# otelpgx, otelhttp, caarlos0/env, against a throw-away PostgreSQL
# (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-echo"
bin="$CACHE/blind-go-echo-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-echo shop-echo -- "$bin"
