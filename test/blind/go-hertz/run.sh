#!/usr/bin/env bash
# Captures testdata/blind/go-hertz: CloudWeGo Hertz (Default's recovery) under
# the hertz-contrib obs-opentelemetry server tracer and client middleware,
# squirrel queries on database/sql + pgx v5's stdlib driver through
# XSAM/otelsql, godotenv defaults under the environment, hlog to stderr,
# against a throw-away PostgreSQL (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-hertz"
bin="$CACHE/blind-go-hertz-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-hertz shop-hertz -timeout -template -- "$bin" "$HERE"
