package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.catalina.LifecycleException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import com.sun.net.httpserver.HttpServer;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Live IdP metadata from a URL: a key rollover picked up by a refresh, a failed refresh that keeps the
 * previous metadata, the saved copy that lets the valve start while the URL is down, signed metadata,
 * and metadata that expires.
 */
class IdpMetadataRefreshTest {

    private static final TestCredentials KEY_A = TestCredentials.rsa("idp-key-a");
    private static final TestCredentials KEY_B = TestCredentials.rsa("idp-key-b");
    private static final TestCredentials FEDERATION = TestCredentials.rsa("federation-operator");

    private final AtomicReference<String> served = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);
    private final TestClock clock = new TestClock(Instant.now());
    private HttpServer metadataServer;
    private EmbeddedTomcat server;
    private SsoValve valve;
    private Path backup;

    @BeforeEach
    void serveMetadata() throws IOException {
        metadataServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metadataServer.createContext("/metadata", exchange -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), status.get() == 200 ? body.length : -1);
            if (status.get() == 200) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        metadataServer.start();
        served.set(metadata(null, KEY_A));
        server = new EmbeddedTomcat(KEY_A, TestCredentials.rsa("sp"));
        backup = server.dir.resolve("backup/idp-metadata.xml");
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        metadataServer.stop(0);
    }

    private String metadataUrl() {
        return "http://localhost:" + metadataServer.getAddress().getPort() + "/metadata";
    }

    private static String metadata(Instant validUntil, TestCredentials... keys) {
        IdpMetadataWriter writer = new IdpMetadataWriter(EmbeddedTomcat.IDP_ENTITY)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SSO);
        for (TestCredentials key : keys) {
            writer.signingCertificate(key);
        }
        Document doc = writer.toDocument();
        if (validUntil != null) {
            doc.getDocumentElement().setAttribute("validUntil", DateTimeFormatter.ISO_INSTANT.format(validUntil));
        }
        return Xml.toString(doc);
    }

    private static String signed(String metadata, TestCredentials signer) {
        Document doc = Xml.parse(metadata);
        doc.getDocumentElement().setAttribute("ID", "_metadata1");
        XmlSigning.sign(doc.getDocumentElement(), signer);
        return Xml.toString(doc);
    }

    private void startValve(java.util.function.Consumer<SsoValve> options) throws LifecycleException {
        valve = server.valve();
        valve.setClock(clock);
        valve.setProperty("idpMetadata", metadataUrl());
        valve.setProperty("idpMetadataBackup", backup.toString());
        options.accept(valve);
        server.start(valve);
    }

    /** A full sign-in with a response signed by {@code key}; returns the ACS status. */
    private int signInWith(TestCredentials key) {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(clock.instant(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), key);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", query.get("RelayState"));
        return browser.post(server.url("/sso/acs"), form).status();
    }

    @Test
    void aKeyRolloverAtTheIdpIsPickedUpByARefresh() throws Exception {
        startValve(v -> { });
        assertThat(signInWith(KEY_A)).isEqualTo(303);
        assertThat(signInWith(KEY_B)).as("not yet in the metadata").isEqualTo(403);

        served.set(metadata(null, KEY_A, KEY_B));
        assertThat(valve.engine().refreshIdpMetadata()).isTrue();

        assertThat(signInWith(KEY_B)).isEqualTo(303);
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }

    @Test
    void anIdpThatStartsAskingForSignedAuthnRequestsGetsThemAfterARefresh() throws Exception {
        startValve(v -> { });
        String unsigned = new Browser().get(server.url("/app/")).location();
        assertThat(unsigned).doesNotContain("Signature=");

        Document asking = Xml.parse(metadata(null, KEY_A));
        asking.getDocumentElement().getElementsByTagNameNS("*", "IDPSSODescriptor").item(0).getAttributes()
                .getNamedItem("WantAuthnRequestsSigned").setNodeValue("true");
        served.set(Xml.toString(asking));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(valve.engine().refreshIdpMetadata()).isTrue();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("now asks for signed AuthnRequests"));
        }
        String signed = new Browser().get(server.url("/app/")).location();
        assertThat(RedirectBinding.verify(signed, server.spKey.certificate().getPublicKey())).isTrue();
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }

    @Test
    void aFailedRefreshKeepsThePreviousMetadataAndSaysWhy() throws Exception {
        startValve(v -> { });
        status.set(500);
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(valve.engine().refreshIdpMetadata()).isFalse();
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("Refreshing IdP metadata").contains("HTTP 500"));
        }
        assertThat(signInWith(KEY_A)).isEqualTo(303);

        status.set(200);
        served.set("<not-metadata/>");
        assertThat(valve.engine().refreshIdpMetadata()).isFalse();
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }

    @Test
    void startsFromTheSavedCopyWhenTheUrlIsDown() throws Exception {
        startValve(v -> { });
        assertThat(Files.readString(backup)).contains(KEY_A.certificateBase64());
        server.close();

        status.set(503);
        server = new EmbeddedTomcat(KEY_A, TestCredentials.rsa("sp"));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            startValve(v -> { });
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("last good copy"));
        }
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }

    @Test
    void refusesToStartWhenTheUrlIsDownAndThereIsNoSavedCopy() {
        status.set(503);
        valve = server.valve();
        valve.setProperty("idpMetadata", metadataUrl());
        valve.setProperty("idpMetadataBackup", backup.toString());
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // the valve's state says it
        }
        assertThat(valve.startFailure()).contains("'idpMetadata'").contains("HTTP 503");
    }

    @Test
    void signedMetadataIsRequiredWhenACertificateIsConfigured() throws Exception {
        Path federation = server.dir.resolve("federation.crt");
        Files.writeString(federation, FEDERATION.certificatePem());
        served.set(signed(metadata(null, KEY_A), FEDERATION));
        startValve(v -> v.setProperty("idpMetadataSigningCertificate", federation.toString()));
        assertThat(signInWith(KEY_A)).isEqualTo(303);

        served.set(metadata(null, KEY_A, KEY_B));
        assertThat(valve.engine().refreshIdpMetadata()).as("unsigned").isFalse();
        served.set(signed(metadata(null, KEY_A, KEY_B), KEY_B));
        assertThat(valve.engine().refreshIdpMetadata()).as("signed by someone else").isFalse();
        String tampered = signed(metadata(null, KEY_A), FEDERATION).replace(KEY_A.certificateBase64(), KEY_B.certificateBase64());
        served.set(tampered);
        assertThat(valve.engine().refreshIdpMetadata()).as("altered after signing").isFalse();
        assertThat(signInWith(KEY_B)).isEqualTo(403);

        served.set(signed(metadata(null, KEY_A, KEY_B), FEDERATION));
        assertThat(valve.engine().refreshIdpMetadata()).isTrue();
        assertThat(signInWith(KEY_B)).isEqualTo(303);
    }

    // ---------------------------------------------------------------- expired IdP signing certificates (issue 10)

    private static final TestCredentials EXPIRED = TestCredentials.rsa("idp-key-expired",
            Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(1)));

    @Test
    void anExpiredIdpCertificateKeepsItsKeyTrustedByDefaultAfterOneWarning() throws Exception {
        served.set(metadata(null, EXPIRED));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            startValve(v -> { });
            assertThat(logs.lines().stream().filter(l -> l.contains("CN=idp-key-expired") && l.contains("expired on")))
                    .singleElement().satisfies(l -> assertThat(l).contains("WARN").contains("still trusts its key")
                            .contains("idpCertificateExpiry=refuse"));
        }
        assertThat(signInWith(EXPIRED)).isEqualTo(303);
    }

    @Test
    void withIdpCertificateExpiryRefuseAnExpiredKeyIsNoLongerTrustedAndACurrentOneStillIs() throws Exception {
        served.set(metadata(null, EXPIRED, KEY_A));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            startValve(v -> v.setProperty("idpCertificateExpiry", "refuse"));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("WARN").contains("CN=idp-key-expired")
                    .contains("no longer trusted").contains("1 signing key(s)"));
        }
        assertThat(signInWith(EXPIRED)).isEqualTo(403);
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }

    @Test
    void withIdpCertificateExpiryRefuseMetadataWhoseKeysHaveAllExpiredStopsTheStart() throws Exception {
        served.set(metadata(null, EXPIRED));
        valve = server.valve();
        valve.setProperty("idpMetadata", metadataUrl());
        valve.setProperty("idpMetadataBackup", backup.toString());
        valve.setProperty("idpCertificateExpiry", "refuse");
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // the valve's state says it
        }
        assertThat(valve.startFailure()).contains("'idpMetadata'").contains("every signing certificate")
                .contains("idpCertificateExpiry=refuse");
    }

    @Test
    void withIdpCertificateExpiryRefuseAKeyIsDroppedAtTheMomentItExpiresWithoutARefresh() throws Exception {
        TestCredentials soon = TestCredentials.rsa("idp-key-soon", clock.instant().minus(Duration.ofDays(1)),
                clock.instant().plus(Duration.ofHours(1)));
        served.set(metadata(null, soon));
        startValve(v -> v.setProperty("idpCertificateExpiry", "refuse"));
        assertThat(signInWith(soon)).isEqualTo(303);

        status.set(503);
        clock.advance(Duration.ofMinutes(61));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(signInWith(soon)).isEqualTo(403);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("ERROR").contains("every signing certificate")
                    .contains("refused (idp_metadata_expired)"));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("Sign-in refused [idp_metadata_expired]"));
        }

        status.set(200);
        served.set(metadata(null, KEY_A));
        assertThat(valve.engine().refreshIdpMetadata()).isTrue();
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }

    @Test
    void noLogoutRequestIsAcceptedOnceTheMetadataHasExpiredWithoutRefresh() throws Exception {
        Document withSlo = new IdpMetadataWriter(EmbeddedTomcat.IDP_ENTITY).signingCertificate(KEY_A)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SSO)
                .singleLogoutService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SLO).toDocument();
        withSlo.getDocumentElement().setAttribute("validUntil",
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().plus(Duration.ofHours(2))));
        served.set(Xml.toString(withSlo));
        startValve(v -> { });
        dev.portcullis.saml.MessageEncoder idp = new dev.portcullis.saml.MessageEncoder(KEY_A.privateKey(),
                KEY_A.certificate(), new dev.portcullis.saml.SecureXml());
        java.util.function.Supplier<Integer> logoutAlice = () -> new Browser().get(idp.redirectUrl(server.url("/sso/slo"),
                "SAMLRequest", dev.portcullis.saml.LogoutMessages.logoutRequest(dev.portcullis.testkit.Ids.newId(),
                        clock.instant(), server.url("/sso/slo"), EmbeddedTomcat.IDP_ENTITY, "alice",
                        SamlResponseBuilder.NAMEID_UNSPECIFIED, null, null, null), null)).status();
        assertThat(logoutAlice.get()).as("accepted while the metadata is valid").isEqualTo(302);

        status.set(503);
        clock.advance(Duration.ofHours(3));
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(logoutAlice.get()).isEqualTo(403);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("Logout message refused [idp_metadata_expired]"));
        }
    }

    @Test
    void noSignInIsAcceptedOnceTheMetadataHasExpiredWithoutRefresh() throws Exception {
        served.set(metadata(clock.instant().plus(Duration.ofHours(2)), KEY_A));
        startValve(v -> { });
        assertThat(signInWith(KEY_A)).isEqualTo(303);

        status.set(503);
        clock.advance(Duration.ofHours(3));
        assertThat(signInWith(KEY_A)).isEqualTo(403);

        status.set(200);
        served.set(metadata(clock.instant().plus(Duration.ofDays(1)), KEY_A));
        assertThat(valve.engine().refreshIdpMetadata()).isTrue();
        assertThat(signInWith(KEY_A)).isEqualTo(303);
    }
}
