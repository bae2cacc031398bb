#!/usr/bin/env bash
# Captures testdata/blind/go-chi: chi v5 + riandyrn/otelchi, sqlx over
# database/sql on go-sql-driver/mysql + XSAM/otelsql, go-redis v9 + redisotel,
# otelhttp, sethvargo/go-envconfig, log/slog through the otelslog bridge,
# against a throw-away MariaDB and Redis (versions pinned in go.mod/go.sum).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/go-chi"
bin="$CACHE/blind-go-chi-$(key "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go")"
[[ -x "$bin" ]] || (cd "$HERE" && go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin")
capture go-chi shop-chi -db mariadb -redis -timeout -- "$bin"
