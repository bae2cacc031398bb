#!/usr/bin/env bash
# Captures testdata/blind/go-servemux: net/http's ServeMux (Go 1.22 patterns)
# under the contrib otelhttp handler, the Bun ORM on pgdriver + bunotel,
# go-redis v9 + redisotel, otelhttp clients, viper's environment settings, zap
# through the otelzap bridge, against a throw-away PostgreSQL and Redis
# (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-servemux"
bin="$CACHE/blind-go-servemux-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-servemux shop-servemux -redis -timeout -template -- "$bin"
