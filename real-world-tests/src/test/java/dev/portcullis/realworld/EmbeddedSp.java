package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

import dev.portcullis.SsoValve;
import dev.portcullis.demo.WebappDefaults;

/**
 * An embedded Tomcat 11 on 127.0.0.1 with the Portcullis valve (from the shaded JAR) in its Host in
 * front of the sample webapp at {@code /sample}, configured the way docs/REAL-IDPS.md says for the
 * test IdPs: the IdP's metadata URL, the SP key pair, {@code roleAttributes="roles"}.
 */
final class EmbeddedSp implements AutoCloseable {

    private final Tomcat tomcat;
    private final String baseUrl;

    private EmbeddedSp(Tomcat tomcat, String baseUrl) {
        this.tomcat = tomcat;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts on {@code port} ({@code http://localhost:<port>} is the external base URL); {@code options}
     * may change the valve's settings before it starts.
     */
    static EmbeddedSp start(int port, SpKeys keys, String idpMetadataUrl, Consumer<SsoValve> options) {
        SsoValve valve = new SsoValve();
        String baseUrl = "http://localhost:" + port;
        valve.setExternalBaseUrl(baseUrl);
        valve.setIdpMetadata(idpMetadataUrl);
        valve.setSpPrivateKey(keys.privateKey().toString());
        valve.setSpCertificate(keys.certificate().toString());
        valve.setRoleAttributes("roles");
        options.accept(valve);

        Tomcat tomcat = new Tomcat();
        try {
            Path base = Files.createTempDirectory("portcullis-real-world-sp");
            Files.createDirectories(base.resolve("webapps"));
            tomcat.setBaseDir(base.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getConnector().setThrowOnFailure(true);
        tomcat.getHost().setAutoDeploy(false);
        WebappDefaults.deploy(tomcat, "/sample", RealWorld.sampleWar().toString());
        tomcat.getHost().getPipeline().addValve(valve);
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("the embedded Tomcat with the valve did not start", e);
        }
        if (valve.getState() != org.apache.catalina.LifecycleState.STARTED) {
            stopQuietly(tomcat);
            throw new IllegalStateException("the valve did not start (state " + valve.getState() + "); see the log above");
        }
        return new EmbeddedSp(tomcat, baseUrl);
    }

    String url(String path) {
        return baseUrl + path;
    }

    String acsUrl() {
        return baseUrl + "/sso/acs";
    }

    @Override
    public void close() {
        stopQuietly(tomcat);
    }

    private static void stopQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("cannot stop the embedded Tomcat", e);
        }
    }
}
