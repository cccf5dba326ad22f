package dev.portcullis.realworld;

import java.util.Map;

import org.openqa.selenium.json.Json;

/**
 * What the clash webapp (clash-webapp/) bundles, and what the valve JAR bundles of the same libraries.
 * Keep {@link #BUNDLED} in step with clash-webapp/pom.xml and {@link #VALVE} with the parent pom: the
 * tests check both that the webapp ran its own versions and that they differ from the valve's, so
 * that the check keeps its meaning when either side is upgraded.
 */
final class ClashWebapp {

    /** artifactId to the version the clash WAR bundles in WEB-INF/lib. */
    static final Map<String, String> BUNDLED = Map.of(
            "pac4j-core", "5.7.7",
            "jackson-databind", "2.17.2",
            "commons-lang3", "3.12.0",
            "commons-codec", "1.15",
            "log4j-api", "2.20.0",
            "log4j-core", "2.20.0",
            "log4j-slf4j-impl", "2.20.0",
            "slf4j-api", "1.7.36");

    /** artifactId to the version inside the valve JAR (relocated); Jackson is not in it at all. */
    static final Map<String, String> VALVE = Map.of(
            "pac4j-core", "6.3.1",
            "commons-lang3", "3.20.0",
            "commons-codec", "1.18.0",
            "log4j-api", "2.26.1",
            "log4j-core", "2.26.1",
            "slf4j-api", "2.0.17");

    private ClashWebapp() {
    }

    /** The servlet's JSON report as maps and lists. */
    static Map<String, Object> report(String json) {
        return new Json().toType(json, Json.MAP_TYPE);
    }
}
