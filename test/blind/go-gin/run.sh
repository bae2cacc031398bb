#!/usr/bin/env bash
# Captures testdata/blind/go-gin: Gin + otelgin (contrib), database/sql on
# lib/pq + XSAM/otelsql, go-redis v9 + redisotel, otelhttp, envconfig, log/slog
# through the otelslog bridge, against a throw-away PostgreSQL and Redis
# (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-gin"
bin="$CACHE/blind-go-gin-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-gin shop-gin -redis -timeout -- "$bin"
