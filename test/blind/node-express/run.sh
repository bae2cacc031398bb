#!/usr/bin/env bash
# Captures testdata/blind/node-express: Express 5, the mysql driver's pools, ioredis, node-fetch, nconf (the
# environment), bunyan, under @opentelemetry/auto-instrumentations-node 0.82.0 (its default instrumentations), against
# a throw-away MariaDB and Redis. node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-express"
npm_modules blind-node-express "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-express shop-express -db mariadb -redis -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
