#!/usr/bin/env bash
# Captures testdata/blind/node-fastify: Fastify 5 + @fastify/otel, pg (pg-pool),
# node-redis, env-var, fetch, under @opentelemetry/auto-instrumentations-node
# 0.82.0 (its default instrumentations), against a throw-away PostgreSQL and
# Redis. node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-fastify"
npm_modules blind-node-fastify "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-fastify shop-fastify -redis -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
