#!/usr/bin/env bash
# Captures testdata/blind/node-hono: Hono 4 on @hono/node-server, mysql2's own promise pools, superagent, node-config
# (config/), winston, under @opentelemetry/auto-instrumentations-node 0.82.0 (its default instrumentations), against
# a throw-away MariaDB. node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-hono"
npm_modules blind-node-hono "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-hono shop-hono -db mariadb -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
