#!/usr/bin/env bash
# Captures testdata/blind/java-webflux: Spring Boot 3.5.7 WebFlux on Netty, R2DBC
# (r2dbc-postgresql, r2dbc-pool), WebClient, under the OpenTelemetry Java agent
# 2.31.1, against a throw-away PostgreSQL. Jar and agent built with Maven
# (pom.xml, every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-webflux "$BLIND/java-webflux" edx-blind-webflux.jar
capture java-webflux shop-webflux -- "${java_cmd[@]}" -jar "$out/edx-blind-webflux.jar"
