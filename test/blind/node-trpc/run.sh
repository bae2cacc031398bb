#!/usr/bin/env bash
# Captures testdata/blind/node-trpc: tRPC 11's standalone server on node:http (its onError logs with pino; tRPC
# answers 500), Prisma 7's client on @prisma/adapter-pg (a pg Pool), fetch, valibot for the settings, under the Node
# SDK with @opentelemetry/auto-instrumentations-node 0.82.0's defaults and @prisma/instrumentation (otel.js), against
# a throw-away PostgreSQL. node_modules from package-lock.json (npm ci) into $CACHE, the Prisma client generated
# there from prisma/schema.prisma (no engine download: generate needs none, so the schema engine's path is a stub).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-trpc"
npm_modules blind-node-trpc "$HERE"
gen="$mods/.prisma-$(key "$HERE/prisma/schema.prisma")"
if [[ ! -f "$gen" ]]; then
	mkdir -p "$mods/prisma" && cp "$HERE/prisma/schema.prisma" "$mods/prisma/"
	(cd "$mods" && PRISMA_SCHEMA_ENGINE_BINARY=/bin/false node_modules/.bin/prisma generate --schema prisma/schema.prisma)
	touch "$gen"
fi
export NODE_PATH="$mods/node_modules"
capture node-trpc shop-trpc -timeout -- node --require "$HERE/otel.js" "$HERE/app.js"
