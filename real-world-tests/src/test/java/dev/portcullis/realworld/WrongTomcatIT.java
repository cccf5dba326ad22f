package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees with the wrong JAR, on the stock distributions installed as the README says but
 * for that one mistake: the JAR for Tomcat 10.1/11 in Tomcat 9, the Tomcat 9 JAR in Tomcat 11, and the
 * Tomcat 9 JAR read by a runtime that ignores its Java 17 classes (what Java 8 to 16 do; no such JVM is
 * installable here, so a Java 17 with multi-release JARs turned off stands in for one, and reads the same
 * Java 8 class they would). Each time Tomcat must not serve the protected webapps at all, and its log
 * must say in one sentence what to do.
 */
@Order(36)
class WrongTomcatIT {

    /** IdP metadata is never read in these starts: the valve stops before its settings matter. */
    private static final String NO_IDP = "/nonexistent/idp-metadata.xml";

    @Test
    void theJarForTomcat11InTomcat9SaysToUseTheTomcat9Jar() {
        String log = refusedStart("9.0.98", RealWorld.valveJar(), "");

        assertThat(log).contains("SEVERE [main] dev.portcullis.tomcat.TomcatEdition.check Portcullis cannot start: this is the JAR"
                + " for Tomcat 10.1 and 11 (portcullis-valve-" + version() + ".jar, jakarta.servlet), and this Tomcat is Tomcat 9 or"
                + " older (javax.servlet); put portcullis-valve-tomcat9-" + version() + ".jar into lib/ instead of it");
    }

    @Test
    void theTomcat9JarInTomcat11SaysToUseTheMainJar() {
        String log = refusedStart("11.0.24", RealWorld.tomcat9Jar(), "");

        assertThat(log).contains("SEVERE [main] dev.portcullis.tomcat.TomcatEdition.check Portcullis cannot start: this is the"
                + " Tomcat 9 JAR (portcullis-valve-tomcat9-" + version() + ".jar, javax.servlet), and this Tomcat is Tomcat 10.1 or"
                + " newer (jakarta.servlet); put portcullis-valve-" + version() + ".jar into lib/ instead of it");
    }

    @Test
    void aRuntimeThatDoesNotReadTheJava17ClassesGetsOneSentenceAndNoHost() {
        String log = refusedStart("9.0.98", RealWorld.tomcat9Jar(), "-Djdk.util.jar.enableMultiRelease=false");

        assertThat(log).contains("SEVERE [main] dev.portcullis.SsoValve.startInternal Portcullis's JAR was read without its Java 17"
                + " classes, although this Tomcat runs on Java ")
                .doesNotContain("UnsupportedClassVersionError");
    }

    /** Installs Tomcat with {@code jar}, starts it, and returns catalina.out once Tomcat has given up. */
    private static String refusedStart(String tomcatVersion, Path jar, String jvmOptions) {
        int port = RealWorld.freePort();
        try (StockTomcat tomcat = StockTomcat.install(tomcatVersion, port, Map.of(
                "PORTCULLIS_TOMCAT_BASE", RealWorld.root().resolve(".cache/run/tomcat-" + tomcatVersion + "-wrong").toString(),
                "PORTCULLIS_VALVE_JAR", jar.toString(),
                "PORTCULLIS_TOMCAT_OPTS", jvmOptions))) {
            tomcat.startExpectingRefusal(NO_IDP);
            // A stock server.xml has one Host: with its valve refused, Tomcat stops altogether.
            assertThat(tomcat.running()).as("Tomcat gave up").isFalse();
            assertThat(listening(port)).as("nothing answers on port %d", port).isFalse();
            String log = tomcat.log("catalina.out");
            // No "Apache Tomcat/VERSION" line to look for: a valve refused in its constructor stops server.xml's
            // parsing, before the VersionLoggerListener it declares ever logs. Which Tomcat ran is in the sentence.
            assertThat(log).as("Tomcat %s", tomcatVersion).doesNotContain("Server startup in");
            return log;
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** Portcullis's version, as the JARs' manifests (and so the sentence) have it. */
    private static String version() {
        try (JarFile jar = new JarFile(RealWorld.valveJar().toFile())) {
            return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
