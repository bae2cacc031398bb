#!/usr/bin/env bash
# Captures testdata/blind/go-httprouter: julienschmidt/httprouter (its
# PanicHandler) under the contrib otelhttp handler, database/sql on pgx v5's
# stdlib driver + XSAM/otelsql, resty v2 over an otelhttp transport,
# ardanlabs/conf v3 for the settings, logrus through the otellogrus bridge,
# against a throw-away PostgreSQL (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-httprouter"
bin="$CACHE/blind-go-httprouter-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-httprouter shop-httprouter -timeout -template -- "$bin"
