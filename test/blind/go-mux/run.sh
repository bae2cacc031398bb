#!/usr/bin/env bash
# Captures testdata/blind/go-mux: gorilla/mux + the contrib otelmux, GORM on
# gorm.io/driver/postgres (pgx) + GORM's OpenTelemetry plugin, go-redis v9 +
# redisotel, otelhttp, koanf's environment provider, log/slog through the
# otelslog bridge, against a throw-away PostgreSQL and Redis (versions pinned in
# go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-mux"
bin="$CACHE/blind-go-mux-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-mux shop-mux -redis -timeout -- "$bin"
