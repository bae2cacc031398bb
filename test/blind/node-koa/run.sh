#!/usr/bin/env bash
# Captures testdata/blind/node-koa: Koa 3 + @koa/router, knex on pg (tarn
# pool), ioredis, convict, axios, winston through @opentelemetry/winston-transport,
# under @opentelemetry/auto-instrumentations-node 0.82.0 (its default
# instrumentations), against a throw-away PostgreSQL and Redis. node_modules
# from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-koa"
npm_modules blind-node-koa "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-koa shop-koa -redis -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
