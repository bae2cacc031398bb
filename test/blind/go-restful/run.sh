#!/usr/bin/env bash
# Captures testdata/blind/go-restful: emicklei/go-restful v3 under the contrib otelrestful filter (the application's
# recover filter inside it), the ent ORM (its code generated from ent/schema, `go generate ./ent`) on pgxpool through
# pgx's stdlib.OpenDBFromPool, traced by otelpgx, go-retryablehttp over otelhttp, Netflix/go-env settings, log/slog
# through the otelslog bridge, against a throw-away PostgreSQL (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-restful"
bin="$CACHE/blind-go-restful-$(key "$HERE/go.mod" "$HERE/go.sum" $(find "$HERE" -name '*.go' | LC_ALL=C sort))"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-restful shop-restful -timeout -- "$bin"
