package dev.portcullis.tomcat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The sentence an operator reads when a Portcullis JAR is in the wrong Tomcat, and silence in the right one. */
class TomcatEditionTest {

    private static final String JAKARTA = "jakarta.servlet.Servlet";
    private static final String JAVAX = "javax.servlet.Servlet";

    @Test
    void theMainJarOnTomcat9NamesTheTomcat9Jar() {
        assertThat(TomcatEdition.mismatch(JAKARTA, Set.of(JAVAX)::contains, "1.2.3")).contains("Portcullis cannot start: this"
                + " is the JAR for Tomcat 10.1 and 11 (portcullis-valve-1.2.3.jar, jakarta.servlet), and this Tomcat is Tomcat 9 or"
                + " older (javax.servlet); put portcullis-valve-tomcat9-1.2.3.jar into lib/ instead of it (Tomcat 10.1 and 11:"
                + " portcullis-valve, Tomcat 9: portcullis-valve-tomcat9).");
    }

    @Test
    void theTomcat9JarOnTomcat11NamesTheMainJar() {
        assertThat(TomcatEdition.mismatch(JAVAX, Set.of(JAKARTA)::contains, "1.2.3")).contains("Portcullis cannot start: this"
                + " is the Tomcat 9 JAR (portcullis-valve-tomcat9-1.2.3.jar, javax.servlet), and this Tomcat is Tomcat 10.1 or newer"
                + " (jakarta.servlet); put portcullis-valve-1.2.3.jar into lib/ instead of it (Tomcat 10.1 and 11: portcullis-valve,"
                + " Tomcat 9: portcullis-valve-tomcat9).");
    }

    @Test
    void eachJarInItsOwnTomcatIsSilent() {
        assertThat(TomcatEdition.mismatch(JAKARTA, Set.of(JAKARTA)::contains, "1")).isEmpty();
        assertThat(TomcatEdition.mismatch(JAVAX, Set.of(JAVAX)::contains, "1")).isEmpty();
    }

    @Test
    void theConstantsAreTheServletClassNames() {
        assertThat(TomcatEdition.BUILT_FOR).isEqualTo(JAKARTA);
        assertThat(TomcatEdition.JAKARTA).isEqualTo(JAKARTA);
        assertThat(TomcatEdition.JAVAX).isEqualTo(JAVAX);
    }

    /** This JVM has Tomcat 11; a class loader without any Servlet API stands for the wrong container. */
    @Test
    void checkStopsWhereTheServletApiOfThisJarIsMissing() throws Exception {
        TomcatEdition.check(TomcatEditionTest.class.getClassLoader());

        try (URLClassLoader noServlet = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> TomcatEdition.check(noServlet)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("this Tomcat is not one with a Servlet API this JAR knows")
                    .hasMessageContaining("portcullis-valve-tomcat9-");
        }
    }
}
