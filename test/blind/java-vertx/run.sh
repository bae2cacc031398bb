#!/usr/bin/env bash
# Captures testdata/blind/java-vertx: Vert.x 4.5.27 web, the reactive MySQL client's pools, the Vert.x Redis client,
# the Vert.x web client, Vert.x Config (environment store), logback, under the OpenTelemetry Java agent 2.31.1 (its
# defaults: logs exported too), against a throw-away MariaDB and Redis. Classes, libraries and agent built with Maven
# (pom.xml, every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-vertx "$BLIND/java-vertx" edx-blind-vertx.jar lib
jvm_hosts
# Vert.x resolves names with its own DNS client (it would query the resolver of /etc/resolv.conf); with
# vertx.disableDnsResolver it asks the JDK, which reads jvm_hosts' file: db_unknown_host fails on the machine.
capture java-vertx shop-vertx -db mariadb -redis -timeout -unknownhost -- "${java_cmd[@]}" -Dvertx.disableDnsResolver=true \
	-cp "$out/edx-blind-vertx.jar:$out/lib/*" blind.shop.Shop
