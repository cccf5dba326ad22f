package dev.portcullis.realworld;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;

/**
 * {@link SingleLogoutTests} with SimpleSAMLphp (as {@link SimpleSamlPhpSingleLogoutIT}), the service provider
 * being the stock Apache Tomcat 9.0.98 distribution installed as the README says for Tomcat 9 (the Tomcat 9
 * JAR, the javax sample WAR at {@code /sample} and {@code /second}): SP-initiated and IdP-initiated Single
 * Logout, signed both ways, ending the sessions of both webapps.
 */
@Order(35)
class StockTomcat9SingleLogoutIT extends SimpleSamlPhpSingleLogoutIT {

    @BeforeAll
    @Override
    void start() {
        StockTomcat tomcat = StockTomcat.install("9.0.98", RealWorld.freePort());
        sp = tomcat;
        idp = Idp.running(Idp.Settings.of(kind(), tomcat.directUrl(""), tomcat.spCertificateFile()).signing(kind().signsLogout));
        Path war = RealWorld.sampleWarFor(tomcat.version());
        tomcat.start(idp.metadataUrl(), null, false, "sample=" + war + " second=" + war);
    }
}
