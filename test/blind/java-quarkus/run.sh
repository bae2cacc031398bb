#!/usr/bin/env bash
# Captures testdata/blind/java-quarkus: Quarkus 3.33.2 REST on Vert.x, Agroal over the PostgreSQL JDBC
# driver, the REST client, the Redis client, MicroProfile Config, under the OpenTelemetry Java agent 2.31.1
# (its defaults: logs exported too), against a throw-away PostgreSQL and Redis. Application and agent built
# with Maven (pom.xml, every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-quarkus "$BLIND/java-quarkus" quarkus-app
jvm_hosts
capture java-quarkus shop-quarkus -redis -timeout -unknownhost -- "${java_cmd[@]}" -jar "$out/quarkus-app/quarkus-run.jar"
