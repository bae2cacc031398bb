#!/usr/bin/env bash
# Captures testdata/blind/java-micronaut: Micronaut 4.10 (controllers on Netty, application.yml with environment
# placeholders read through @Value, the Micronaut HTTP client on the JDK's HttpClient, logback), c3p0 0.10.2 pools over pgjdbc 42.7.10,
# Redisson 3.50.0, under the OpenTelemetry Java agent 2.31.1 (its defaults: logs exported too), against a throw-away
# PostgreSQL and Redis. Classes, libraries and agent built with Maven (pom.xml: micronaut-parent 4.10.8, every other
# version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-micronaut "$BLIND/java-micronaut" edx-blind-micronaut.jar lib
jvm_hosts
capture java-micronaut shop-micronaut -redis -timeout -unknownhost -- "${java_cmd[@]}" \
	-cp "$out/edx-blind-micronaut.jar:$out/lib/*" blind.shop.Shop
