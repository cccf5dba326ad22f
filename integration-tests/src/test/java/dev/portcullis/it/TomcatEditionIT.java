package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

import dev.portcullis.SsoValve;

/**
 * These tests run twice: in module integration-tests on Tomcat 11 with the main JAR, and in module
 * integration-tests-tomcat9 (the same sources) on Tomcat 9 with the Tomcat 9 JAR. This one makes sure
 * each run is on the Tomcat and the JAR it claims ({@code portcullis.tomcatEdition}), so that a class path
 * mix-up cannot pass the Tomcat 9 run on Tomcat 11.
 */
class TomcatEditionIT {

    @Test
    void theTestsRunOnTheTomcatAndTheJarOfThisEdition() throws Exception {
        String edition = System.getProperty("portcullis.tomcatEdition");
        Path jar = Path.of(SsoValve.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String loadedFrom = String.valueOf(SsoValve.class.getResource("SsoValve.class"));

        assertThat(edition).as("portcullis.tomcatEdition").isIn("9", "11");
        assertThat(ServerInfo.getServerNumber()).as("Tomcat").startsWith(edition + ".");
        if (edition.equals("9")) {
            assertThat(jar.getFileName().toString()).startsWith("portcullis-valve-tomcat9-");
            assertThat(loadedFrom).as("the valve a Java 17+ runtime reads from the multi-release JAR")
                    .endsWith("!/META-INF/versions/17/dev/portcullis/SsoValve.class");
        } else {
            assertThat(jar.getFileName().toString()).startsWith("portcullis-valve-").doesNotContain("tomcat9");
            assertThat(loadedFrom).endsWith("!/dev/portcullis/SsoValve.class");
        }
    }
}
