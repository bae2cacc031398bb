#!/usr/bin/env bash
# Captures testdata/blind/node-hapi: hapi 21, Sequelize 6 on mysql2, node-redis,
# @hapi/wreck, zod (the environment), pino, under
# @opentelemetry/auto-instrumentations-node 0.82.0 (its default
# instrumentations), against a throw-away MariaDB and Redis. node_modules from
# package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-hapi"
npm_modules blind-node-hapi "$HERE"
export NODE_PATH="$mods/node_modules"
capture node-hapi shop-hapi -db mariadb -redis -timeout -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
