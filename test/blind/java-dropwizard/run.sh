#!/usr/bin/env bash
# Captures testdata/blind/java-dropwizard: Dropwizard 4.0.16 (Jersey on Jetty, its YAML configuration with
# environment substitution, logback), Apache Commons DBCP2 2.13.0 over MariaDB Connector/J 3.5.6, Lettuce 6.8.1, the
# Jersey client, under the OpenTelemetry Java agent 2.31.1 (its defaults: logs exported too), against a throw-away
# MariaDB and Redis. Classes, libraries and agent built with Maven (pom.xml, every version pinned) into $CACHE, keyed
# by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-dropwizard "$BLIND/java-dropwizard" edx-blind-dropwizard.jar lib
jvm_hosts
capture java-dropwizard shop-dropwizard -db mariadb -redis -timeout -unknownhost -- "${java_cmd[@]}" \
	-cp "$out/edx-blind-dropwizard.jar:$out/lib/*" blind.shop.Shop
