#!/usr/bin/env bash
# Captures testdata/blind/node-fastify: Fastify 5 + @fastify/otel, pg (pg-pool),
# node-redis, env-var, fetch, under @opentelemetry/auto-instrumentations-node
# 0.82.0 (its default instrumentations), against a throw-away PostgreSQL and
# Redis. node_modules from package-lock.json (npm ci) into $CACHE.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-fastify"
mods="$CACHE/blind-node-fastify-$(key "$HERE/package-lock.json")"
if [[ ! -f "$mods/.complete" ]]; then
	rm -rf "$mods" && mkdir -p "$mods"
	cp "$HERE/package.json" "$HERE/package-lock.json" "$mods/"
	(cd "$mods" && npm ci --no-audit --no-fund --loglevel=error)
	touch "$mods/.complete"
fi
export NODE_PATH="$mods/node_modules"
capture node-fastify shop-fastify -redis -- node --require "$mods/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$HERE/app.js"
