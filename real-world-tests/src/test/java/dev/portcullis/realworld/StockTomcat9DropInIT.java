package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link StockTomcatDropInTests} on Apache Tomcat 9.0.98 (javax.servlet), installed as the README says for
 * Tomcat 9: the Tomcat 9 JAR in {@code lib/}, the same {@code <Valve>}, the javax builds of the sample
 * and clash WARs, and SimpleSAMLphp as the IdP. StockTomcat9SingleLogoutIT does Single Logout on the
 * same distribution.
 */
@Order(34)
class StockTomcat9DropInIT extends StockTomcatDropInTests {

    @Override
    String version() {
        return "9.0.98";
    }

    @Override
    Idp.Kind realIdp() {
        return Idp.Kind.SIMPLESAMLPHP;
    }

    @Override
    String realIdpSsoPath() {
        return "/saml2/idp/SSOService.php";
    }

    @Test
    @Order(10)
    void thisIsTomcat9WithTheTomcat9JarAndTheJavaxWars() throws IOException {
        try (Stream<java.nio.file.Path> lib = Files.list(tomcat.base().resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("portcullis-")))
                    .containsExactly(RealWorld.tomcat9Jar().getFileName().toString());
        }
        assertThat(tomcat.log("catalina.out")).contains("Apache Tomcat/9.0.98");
        assertThat(Files.readString(tomcat.base().resolve("webapps/sample/WEB-INF/web.xml")))
                .contains("http://xmlns.jcp.org/xml/ns/javaee").doesNotContain("jakarta");
    }
}
