#!/usr/bin/env bash
# Captures testdata/blind/java-webflux: Spring Boot 3.5.7 WebFlux on Netty, R2DBC
# (r2dbc-postgresql, r2dbc-pool), WebClient, under the OpenTelemetry Java agent
# 2.31.1, against a throw-away PostgreSQL. Jar and agent built with Maven
# (pom.xml, every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/java-webflux"
out="$CACHE/blind-java-webflux-$(cd "$HERE" && find pom.xml src -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)"
if [[ ! -f "$out/.complete" ]]; then
	debs openjdk-17-jdk-headless maven
	(cd "$HERE" && { mvn -B -q -o -DskipTests package 2> /dev/null || mvn -B -q -DskipTests package; })
	rm -rf "$out" && mkdir -p "$out"
	cp "$HERE/target/edx-blind-webflux.jar" "$HERE/target/opentelemetry-javaagent.jar" "$out/"
	touch "$out/.complete"
fi
capture java-webflux shop-webflux -- java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
	-javaagent:"$out/opentelemetry-javaagent.jar" -jar "$out/edx-blind-webflux.jar"
