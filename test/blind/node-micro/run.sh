#!/usr/bin/env bash
# Captures testdata/blind/node-micro: micro 10 on node:http (the app logs a thrown error with pino; micro answers 500),
# Objection.js 3 models on knex 3 and pg 8 (knex's tarn pool), needle 3, @t3-oss/env-core 0.13 with zod 4 for the
# settings, under @opentelemetry/auto-instrumentations-node 0.82.0 (its default instrumentations), against a
# throw-away PostgreSQL. node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-micro"
npm_modules blind-node-micro "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-micro shop-micro -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
