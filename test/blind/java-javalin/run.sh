#!/usr/bin/env bash
# Captures testdata/blind/java-javalin: Javalin 6.7.0 on Jetty, the Tomcat JDBC pool (11.0.29) over pgjdbc, Jedis,
# the JDK's HttpClient, Lightbend Config, logback, under the OpenTelemetry Java agent 2.31.1 (its defaults: logs
# exported too), against a throw-away PostgreSQL and Redis. Classes, libraries and agent built with Maven (pom.xml,
# every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
HERE="$BLIND/java-javalin"
out="$CACHE/blind-java-javalin-$(cd "$HERE" && find pom.xml src -type f | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)"
if [[ ! -f "$out/.complete" ]]; then
	debs openjdk-17-jdk-headless maven
	(cd "$HERE" && { mvn -B -q -o -DskipTests package 2> /dev/null || mvn -B -q -DskipTests package; })
	rm -rf "$out" && mkdir -p "$out"
	cp -r "$HERE/target/lib" "$out/lib"
	cp "$HERE/target/edx-blind-javalin.jar" "$HERE/target/opentelemetry-javaagent.jar" "$out/"
	rm -rf "$HERE/target"
	touch "$out/.complete"
fi
# Names resolve from this file alone (the JDK's jdk.net.hosts.file), so the unknown host of
# db_unknown_host fails here, with no DNS query leaving the machine.
hosts="$(mktemp)"
trap 'rm -f "$hosts"' EXIT
printf '127.0.0.1 localhost %s\n::1 localhost\n' "$(hostname)" > "$hosts"
capture java-javalin shop-javalin -redis -timeout -unknownhost -- java -Xmx256m -XX:+UseSerialGC \
	-XX:TieredStopAtLevel=1 -Djdk.net.hosts.file="$hosts" -javaagent:"$out/opentelemetry-javaagent.jar" \
	-cp "$out/edx-blind-javalin.jar:$out/lib/*" blind.shop.Shop
