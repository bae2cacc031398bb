#!/usr/bin/env bash
# Captures testdata/blind/go-fiber: Fiber v2 under the contrib otelfiber
# middleware (its recover middleware inside), go-pg v10 pools (no query hook:
# pgotel is not served by the module proxy), otelhttp clients, cleanenv's
# environment settings, log/slog through the otelslog bridge, against a
# throw-away PostgreSQL (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-fiber"
bin="$CACHE/blind-go-fiber-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-fiber shop-fiber -timeout -- "$bin"
