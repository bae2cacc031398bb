#!/usr/bin/env bash
# Captures testdata/blind/node-connect: Connect 3.7 on node:http (an error-handling middleware logs with log4js and
# answers 500), pg-promise 12 on pg (pg-pool), undici's request(), getenv for the settings, under
# @opentelemetry/auto-instrumentations-node 0.82.0 (its default instrumentations), against a throw-away PostgreSQL.
# node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-connect"
npm_modules blind-node-connect "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-connect shop-connect -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
