#!/usr/bin/env bash
# Captures testdata/blind/java-ktor: Ktor 3.5 on Netty (EngineMain, HOCON application.conf; Ktor answers and logs an
# unhandled exception), JDBI 3 on HikariCP pools over pgjdbc, the Ktor client on CIO, logback, under the
# OpenTelemetry Java agent 2.31.1 (its defaults: logs exported too), against a throw-away PostgreSQL. Kotlin classes,
# libraries and agent built with Maven (pom.xml, every version pinned, Ktor's by its BOM) into $CACHE, keyed by the
# pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-ktor "$BLIND/java-ktor" edx-blind-ktor.jar lib
jvm_hosts
capture java-ktor shop-ktor -timeout -unknownhost -- "${java_cmd[@]}" \
	-cp "$out/edx-blind-ktor.jar:$out/lib/*" blind.shop.ShopKt
