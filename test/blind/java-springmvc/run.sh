#!/usr/bin/env bash
# Captures testdata/blind/java-springmvc: Spring Boot 3.5 MVC on Undertow (an exception out of a controller goes to
# Undertow, which logs it and forwards to Boot's error page), Alibaba Druid pools over MySQL Connector/J 9.4.0 against
# a throw-away MariaDB, OkHttp 4.12.0, Apache Commons Configuration 2.12.0 (shop.properties with ${env:...}
# interpolation, read per request), under the OpenTelemetry Java agent 2.31.1 (its defaults: logs exported too).
# Classes, libraries and agent built with Maven (pom.xml: spring-boot-starter-parent 3.5.7, every other version
# pinned) into $CACHE, keyed by the pom and the sources.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
maven_build blind-java-springmvc "$BLIND/java-springmvc" edx-blind-springmvc.jar lib
jvm_hosts
capture java-springmvc shop-springmvc -db mariadb -timeout -unknownhost -- "${java_cmd[@]}" \
	-cp "$out/edx-blind-springmvc.jar:$out/lib/*" blind.shop.Shop
