#!/usr/bin/env bash
# Captures testdata/blind/node-nestjs: NestJS 11 on Express, TypeORM 0.3 on pg (pg-pool), node-redis,
# @nestjs/config with Joi, @nestjs/axios, under @opentelemetry/auto-instrumentations-node 0.82.0 (its default
# instrumentations, nestjs-core among them), against a throw-away PostgreSQL and Redis. node_modules from
# package-lock.json (npm ci) into $CACHE, the TypeScript compiled there by its tsc, keyed by the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/node-nestjs"
npm_modules blind-node-nestjs "$HERE"
dist="$CACHE/blind-node-nestjs-dist-$(key "$HERE/tsconfig.json" "$HERE"/src/*.ts "$HERE/package-lock.json")"
if [[ ! -f "$dist/.complete" ]]; then
	rm -rf "$dist" && mkdir -p "$dist"
	cp -r "$HERE/src" "$HERE/tsconfig.json" "$dist/"
	ln -s "$mods/node_modules" "$dist/node_modules" # tsc and node resolve the modules from here
	(cd "$dist" && node_modules/.bin/tsc -p tsconfig.json)
	touch "$dist/.complete"
fi
capture node-nestjs shop-nestjs -redis -timeout -- node --require \
	"$dist/node_modules/@opentelemetry/auto-instrumentations-node/dist/register.cjs" "$dist/dist/main.js"
