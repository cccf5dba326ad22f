package dev.portcullis.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

import dev.portcullis.SsoValve;
import dev.portcullis.demo.WebappDefaults;
import dev.portcullis.devidp.DevIdp;
import dev.portcullis.devidp.DevIdpConfig;
import dev.portcullis.devidp.DevUser;
import dev.portcullis.testkit.TestCredentials;

/**
 * A development IdP and an embedded Tomcat 11 running the sample webapp twice ({@code /sample} and
 * {@code /second}), with the Portcullis valve from the shaded JAR either in the Host (one sign-in for
 * both webapps) or in the {@code /sample} Context only.
 */
final class Stack implements AutoCloseable {

    enum Level { HOST, CONTEXT }

    final DevIdp idp;
    final Tomcat tomcat;
    final String baseUrl;
    final String ssoBase;

    private Stack(DevIdp idp, Tomcat tomcat, String baseUrl, String ssoBase) {
        this.idp = idp;
        this.tomcat = tomcat;
        this.baseUrl = baseUrl;
        this.ssoBase = ssoBase;
    }

    static Stack start(Level level, Consumer<DevIdpConfig.Builder> idpOptions, Consumer<SsoValve> valveOptions)
            throws IOException, LifecycleException {
        Path dir = Files.createTempDirectory("portcullis-it");
        int port = freePort();
        String baseUrl = "http://localhost:" + port;
        String ssoBase = level == Level.HOST ? baseUrl + "/sso" : baseUrl + "/sample/sso";
        TestCredentials idpKey = TestCredentials.rsa("dev-idp");
        TestCredentials spKey = TestCredentials.rsa("sp");
        Path spKeyFile = dir.resolve("sp.key");
        Path spCertFile = dir.resolve("sp.crt");
        spKey.writePem(spKeyFile, spCertFile);

        DevIdpConfig.Builder idpConfig = DevIdpConfig.builder()
                .port(0)
                .credentials(idpKey)
                .serviceProvider(ssoBase + "/metadata", ssoBase + "/acs")
                .spCertificate(spKey.certificate())
                .users(DevUser.demoUsers())
                .baseDir(dir.resolve("idp"));
        idpOptions.accept(idpConfig);
        DevIdp idp = DevIdp.start(idpConfig.build());

        SsoValve valve = new SsoValve();
        valve.setProperty("externalBaseUrl", baseUrl);
        valve.setProperty("idpMetadata", idp.metadataUrl());
        valve.setProperty("spPrivateKey", spKeyFile.toString());
        valve.setProperty("spCertificate", spCertFile.toString());
        valve.setProperty("roleAttributes", "roles");
        valve.setProperty("excludedPaths", level == Level.HOST ? "/sample/public/*" : "/public/*");
        valveOptions.accept(valve);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        Files.createDirectories(dir.resolve("tomcat/webapps"));
        String war = System.getProperty("portcullis.sampleWar");
        Context sample = WebappDefaults.deploy(tomcat, "/sample", war);
        WebappDefaults.deploy(tomcat, "/second", war);
        if (level == Level.HOST) {
            tomcat.getHost().getPipeline().addValve(valve);
        } else {
            sample.getPipeline().addValve(valve);
        }
        try {
            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            idp.close();
            throw e;
        }
        return new Stack(idp, tomcat, baseUrl, ssoBase);
    }

    String url(String path) {
        return baseUrl + path;
    }

    @Override
    public void close() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            idp.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
