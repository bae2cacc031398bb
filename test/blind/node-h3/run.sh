#!/usr/bin/env bash
# Captures testdata/blind/node-h3: h3 1.15 on node:http (the app's onError logs with pino; h3 answers 500), Drizzle ORM
# 0.45 on postgres.js 3.4 (its own pool), ofetch 1.5, env-schema 8 for the settings, under
# @opentelemetry/auto-instrumentations-node 0.82.0 (its default instrumentations), against a throw-away PostgreSQL.
# node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-h3"
npm_modules blind-node-h3 "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-h3 shop-h3 -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
