#!/usr/bin/env bash
# Captures testdata/blind/node-restify: restify 11 (its pino logger), the MariaDB connector's pools (mariadb), got,
# dotenv + envalid for the settings, under @opentelemetry/auto-instrumentations-node 0.82.0 (its default
# instrumentations), against a throw-away MariaDB. node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-restify"
npm_modules blind-node-restify "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-restify shop-restify -db mariadb -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
