#!/usr/bin/env bash
# Captures testdata/blind/java-spark: Spark Java 2.9.4 on Jetty 9.4, MyBatis 3.5 annotation mappers on Vibur DBCP 26
# pools over pgjdbc, Apache HttpClient 5.6, Owner 1.0 for the settings, Log4j 2.25, under the OpenTelemetry Java agent
# 2.31.1 (its defaults: logs exported too), against a throw-away PostgreSQL. Classes, libraries and agent built with
# Maven (pom.xml, every version pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-spark "$BLIND/java-spark" edx-blind-spark.jar lib
jvm_hosts
capture java-spark shop-spark -timeout -unknownhost -- "${java_cmd[@]}" \
	-cp "$out/edx-blind-spark.jar:$out/lib/*" blind.shop.Shop
