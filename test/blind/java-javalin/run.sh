#!/usr/bin/env bash
# Captures testdata/blind/java-javalin: Javalin 6.7.0 on Jetty, the Tomcat JDBC pool (11.0.29) over pgjdbc, Jedis,
# the JDK's HttpClient, Lightbend Config, logback, under the OpenTelemetry Java agent 2.31.1 (its defaults: logs
# exported too), against a throw-away PostgreSQL and Redis. Classes, libraries and agent built with Maven (pom.xml,
# every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-javalin "$BLIND/java-javalin" edx-blind-javalin.jar lib
jvm_hosts
capture java-javalin shop-javalin -redis -timeout -unknownhost -- "${java_cmd[@]}" \
	-cp "$out/edx-blind-javalin.jar:$out/lib/*" blind.shop.Shop
