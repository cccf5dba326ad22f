package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the suites find the repository and the artifacts under test (set by failsafe in this
 * module's pom.xml), and free loopback ports.
 */
final class RealWorld {

    /** The users both test IdPs have (docs/REAL-IDPS.md). */
    static final String ALICE = "alice";
    static final String BOB = "bob";

    private RealWorld() {
    }

    /** The repository root, where scripts/ lives. */
    static Path root() {
        return Path.of(property("portcullis.root")).toAbsolutePath().normalize();
    }

    /** The shaded drop-in JAR Maven resolved for this build. */
    static Path valveJar() {
        return existing("portcullis.valveJar");
    }

    /** The cluster add-on JAR, as an operator copies it next to the valve JAR. */
    static Path clusterJar() {
        return existing("portcullis.clusterJar");
    }

    /** The OpenID Connect add-on JAR, as an operator copies it next to the valve JAR. */
    static Path oidcJar() {
        return existing("portcullis.oidcJar");
    }

    static Path sampleWar() {
        return existing("portcullis.sampleWar");
    }

    static Path clashWar() {
        return existing("portcullis.clashWar");
    }

    /** The Prometheus JMX exporter agent (io.prometheus.jmx:jmx_prometheus_javaagent) from Maven Central. */
    static Path prometheusAgent() {
        return existing("portcullis.prometheusAgent");
    }

    /** The Tomcat 9 drop-in JAR (javax.servlet). */
    static Path tomcat9Jar() {
        return existing("portcullis.tomcat9Jar");
    }

    /** Whether a Tomcat version runs javax.servlet webapps (9.0) rather than jakarta.servlet ones (10.1, 11). */
    static boolean isJavax(String tomcatVersion) {
        return tomcatVersion.startsWith("9.");
    }

    /** The JAR the README names for this Tomcat version. */
    static Path valveJarFor(String tomcatVersion) {
        return isJavax(tomcatVersion) ? tomcat9Jar() : valveJar();
    }

    /** The sample WAR built for this Tomcat version's Servlet API. */
    static Path sampleWarFor(String tomcatVersion) {
        return isJavax(tomcatVersion) ? existing("portcullis.sampleWarJavax") : sampleWar();
    }

    /** The clash WAR built for this Tomcat version's Servlet API. */
    static Path clashWarFor(String tomcatVersion) {
        return isJavax(tomcatVersion) ? existing("portcullis.clashWarJavax") : clashWar();
    }

    /** Where the browser test keeps its screenshots. */
    static Path screenshots() {
        return Path.of(property("portcullis.screenshots"));
    }

    /** Guarded by RealWorld.class. */
    private static int spPort;

    /**
     * The port of every embedded SP of this test run, one after the other: with the same port (and
     * {@link SpKeys#shared() key pair}) their entityIDs and URLs are the same, so a running IdP set up
     * for one serves the next suite too (see {@link Idp#running}).
     */
    static synchronized int spPort() {
        if (spPort == 0) {
            spPort = freePort();
        }
        return spPort;
    }

    /** {@code http://localhost:<spPort>}, the external base URL of the embedded SPs. */
    static String spBaseUrl() {
        return "http://localhost:" + spPort();
    }

    /** A port nobody listens on right now on 127.0.0.1. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path existing(String name) {
        Path path = Path.of(property(name));
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(name + " points to " + path + ", which does not exist; build with"
                    + " `mvn -B install -DskipTests` first");
        }
        return path;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set; run these tests through"
                    + " Maven (scripts/real-world-tests.sh)");
        }
        return value;
    }
}
