#!/usr/bin/env bash
# Captures testdata/blind/node-polka: Polka 0.5 on node:http (its onError logs with consola and answers 500), Kysely
# 0.28 on pg 8 (pg-pool), ky 1.9, yup 1.7 for the settings, under @opentelemetry/auto-instrumentations-node 0.82.0
# (its default instrumentations), against a throw-away PostgreSQL. node_modules from package-lock.json (npm ci) into
# $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-polka"
npm_modules blind-node-polka "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-polka shop-polka -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
