package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.session.BreakableKeys;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * The valve's MBean on a real embedded Tomcat, read and invoked through the platform MBeanServer as
 * jconsole or the Prometheus JMX exporter would: its counters follow the audit lines, its levers end
 * exactly the sessions they name (and write one audit line), it exists only while the valve runs and
 * does not keep a stopped valve alive; and the health check, seen from an address allowed its details
 * and from one that is not, while the state store answers and while it does not.
 */
class OperationsTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("ops-idp");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("ops-sp");
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private EmbeddedTomcat server;

    @AfterEach
    void stop() throws Exception {
        BreakableKeys.repair();
        if (server != null) {
            server.close();
        }
    }

    private SsoValve start(Map<String, String> settings) throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        java.nio.file.Path ehcache = server.dir.resolve("ehcache.xml");
        Files.writeString(ehcache, BreakableKeys.configuration());
        SsoValve valve = server.valve();
        valve.setProperty("ehcacheConfig", ehcache.toString());
        settings.forEach(valve::setProperty);
        server.start(valve);
        return valve;
    }

    private static ObjectName name() throws Exception {
        return new ObjectName("dev.portcullis:type=SsoValve,host=localhost");
    }

    /** Signs a new browser in as {@code user}; with {@code tamper}, the IdP's signed answer is changed after signing. */
    private Browser.Page signIn(Browser browser, String user, boolean tamper) {
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), user);
        builder.attribute("roles", "user");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        if (tamper) {
            Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID").setTextContent("root");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", query.get("RelayState"));
        return browser.post(server.url("/sso/acs"), form);
    }

    private Browser signedIn(String user) {
        Browser browser = new Browser();
        assertThat(signIn(browser, user, false).status()).isEqualTo(303);
        assertThat(browser.get(server.url("/app/?session=1")).status()).as("signed in, with a webapp session").isEqualTo(200);
        return browser;
    }

    private boolean isSignedIn(Browser browser) {
        return browser.get(server.url("/app/")).status() == 200;
    }

    private static long number(String attribute) throws Exception {
        return ((Number) JMX.getAttribute(name(), attribute)).longValue();
    }

    /** One row of an attribute that is a map (an MXBean's TabularData of key and value). */
    private static Object row(String attribute, String key) throws Exception {
        TabularData table = (TabularData) JMX.getAttribute(name(), attribute);
        CompositeData row = table.get(new Object[] {key});
        return row == null ? null : row.get("value");
    }

    private static List<String> auditLines(CapturedLogs logs, String event) {
        return logs.lines().stream().filter(l -> l.contains("dev.portcullis.audit") && l.contains("\"event\":\"" + event + "\""))
                .toList();
    }

    @Test
    void theCountersFollowWhatTheValveDidAndTheSettingsHideSecrets() throws Exception {
        start(Map.of());
        assertThat(row("SignInsRefused", "invalid_signature")).as("every code listed from the start").isEqualTo(0L);
        assertThat(row("Logouts", "admin")).isEqualTo(0L);
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser alice = new Browser();
            assertThat(signIn(alice, "alice", false).status()).isEqualTo(303);
            assertThat(signIn(new Browser(), "mallory", true).status()).isEqualTo(403);
            assertThat(new Browser().get(server.url("/app/data"), "Accept", "application/json").status()).isEqualTo(401);
            Browser.Page form = alice.get(server.url("/sso/logout"));
            alice.submit(form, Map.of());

            assertThat(number("SignInsAccepted")).isEqualTo(1).isEqualTo(auditLines(logs, "login_success").size());
            assertThat(row("SignInsRefused", "invalid_signature")).isEqualTo(1L);
            assertThat(auditLines(logs, "login_failure")).hasSize(1);
            assertThat(number("ScriptsUnauthorized")).isEqualTo(1);
            assertThat(row("Logouts", "local")).isEqualTo(1L);
            assertThat(auditLines(logs, "logout")).hasSize(1);
            assertThat(number("StepUps")).isZero();
            assertThat(number("StateStoreUnavailable")).isZero();
        }
        assertThat(JMX.getAttribute(name(), "IdpMetadataValid")).isEqualTo(true);
        assertThat(JMX.getAttribute(name(), "SessionsInStore")).isEqualTo("not known");
        assertThat(number("DaysUntilIdpCertificateExpiry")).isPositive();
        assertThat(number("DaysUntilSpCertificateExpiry")).isPositive();
        assertThat((String) JMX.getAttribute(name(), "IdpMetadataSource")).endsWith("idp-metadata.xml");
        assertThat(Instant.parse((String) JMX.getAttribute(name(), "IdpMetadataNextRefresh")))
                .isAfter(Instant.parse((String) JMX.getAttribute(name(), "IdpMetadataLastRefresh")));
        assertThat(row("Settings", "externalBaseUrl")).isEqualTo("http://localhost:" + server.port);
        assertThat(row("Settings", "healthDetailsFrom")).isEqualTo("127.0.0.0/8, ::1");
    }

    @Test
    void aKeystorePasswordIsShownMaskedInTheSettings() throws Exception {
        SP_KEY.writePkcs12(server().dir.resolve("sp.p12"), "sp", "secret-password".toCharArray());
        SsoValve valve = server.valve();
        valve.setProperty("spPrivateKey", null);
        valve.setProperty("spCertificate", null);
        valve.setProperty("spKeystore", server.dir.resolve("sp.p12").toString());
        valve.setProperty("spKeystorePassword", "secret-password");
        server.start(valve);
        assertThat(row("Settings", "spKeystorePassword")).isEqualTo("********");
        assertThat(JMX.getAttribute(name(), "Settings").toString()).doesNotContain("secret-password");
    }

    private EmbeddedTomcat server() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        return server;
    }

    @Test
    void endSessionsOfEndsEveryOneOfThatUsersSessionsAndTheirWebappSessionsAndNoOther() throws Exception {
        start(Map.of());
        Browser alice1 = signedIn("alice");
        Browser alice2 = signedIn("alice");
        Browser bob = signedIn("bob");
        Context app = (Context) server.tomcat.getHost().findChild("/app");
        assertThat(app.getManager().findSessions()).hasSize(3);

        try (CapturedLogs logs = CapturedLogs.capture()) {
            Object ended = JMX.invoke(name(), "endSessionsOf", new Object[] {"alice"}, new String[] {String.class.getName()});

            assertThat(ended).isEqualTo(2);
            assertThat(isSignedIn(alice1)).isFalse();
            assertThat(isSignedIn(alice2)).isFalse();
            assertThat(isSignedIn(bob)).isTrue();
            assertThat(app.getManager().findSessions()).as("alice's webapp sessions ended with hers").hasSize(1);
            assertThat(auditLines(logs, "admin_action")).singleElement().satisfies(l -> assertThat(l)
                    .contains("\"actor\":\"jmx\"").contains("\"action\":\"end_sessions_of\"").contains("\"target\":\"alice\"")
                    .contains("\"sessions\":2"));
            assertThat(row("Logouts", "admin")).isEqualTo(2L);
        }
        assertThat(JMX.invoke(name(), "endSessionsOf", new Object[] {"alice"}, new String[] {String.class.getName()}))
                .as("nothing left to end").isEqualTo(0);
    }

    @Test
    void endAllSessionsEndsEverySession() throws Exception {
        start(Map.of());
        Browser alice = signedIn("alice");
        Browser bob = signedIn("bob");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(JMX.invoke(name(), "endAllSessions", null, null)).isEqualTo(2);
            assertThat(auditLines(logs, "admin_action")).singleElement().satisfies(l -> assertThat(l)
                    .contains("\"action\":\"end_all_sessions\"").contains("\"sessions\":2"));
        }
        assertThat(isSignedIn(alice)).isFalse();
        assertThat(isSignedIn(bob)).isFalse();
        assertThat(isSignedIn(signedIn("carol"))).as("new sign-ins work afterwards").isTrue();
    }

    @Test
    void refreshIdpMetadataReadsItNowAndIsAudited() throws Exception {
        start(Map.of());
        String before = (String) JMX.getAttribute(name(), "IdpMetadataLastRefresh");
        Thread.sleep(5);
        try (CapturedLogs logs = CapturedLogs.capture()) {
            assertThat(JMX.invoke(name(), "refreshIdpMetadata", null, null)).isEqualTo(true);
            assertThat(auditLines(logs, "admin_action")).singleElement().satisfies(l -> assertThat(l)
                    .contains("\"action\":\"refresh_idp_metadata\""));
        }
        assertThat(Instant.parse((String) JMX.getAttribute(name(), "IdpMetadataLastRefresh"))).isAfter(Instant.parse(before));
    }

    @Test
    void theMBeanLivesOnlyWhileTheValveRunsAndDoesNotKeepItAlive() throws Exception {
        SsoValve valve = start(Map.of());
        assertThat(JMX.isRegistered(name())).isTrue();
        WeakReference<Object> operations = new WeakReference<>(valve.engine().operations());
        WeakReference<Object> engine = new WeakReference<>(valve.engine());
        valve = null;
        server.close();
        assertThat(JMX.isRegistered(name())).isFalse();
        for (int i = 0; i < 50 && (operations.get() != null || engine.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(operations.get()).as("the MBean collected").isNull();
        assertThat(engine.get()).as("the engine collected").isNull();
    }

    @Test
    void healthIsOkWithDetailsForThisMachineAndNotOkWhileTheStoreFails() throws Exception {
        start(Map.of());
        Browser browser = new Browser();
        Browser.Page ok = browser.get(server.url("/sso/health"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Cache-Control")).isEqualTo("no-store");
        assertThat(ok.body()).startsWith("ok\nreason: ok\n").contains("state_store: answering").contains("idp_certificate_days_left: ");

        BreakableKeys.breakAll();
        Browser.Page down = browser.get(server.url("/sso/health"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).startsWith("not ok\nreason: state_store_unavailable\n");
        assertThat(JMX.getAttribute(name(), "StateStoreAnswering")).isEqualTo(false);

        BreakableKeys.repair();
        assertThat(browser.get(server.url("/sso/health")).status()).as("back when the store answers").isEqualTo(200);
        assertThat(browser.post(server.url("/sso/health"), Map.of()).status()).isEqualTo(405);
    }

    @Test
    void anAddressNotAllowedDetailsLearnsOnlyOkOrNotOk() throws Exception {
        start(Map.of("healthDetailsFrom", "10.0.0.0/8, 2001:db8::/32"));
        Browser browser = new Browser();
        Browser.Page ok = browser.get(server.url("/sso/health"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("ok\n");
        BreakableKeys.breakAll();
        Browser.Page down = browser.get(server.url("/sso/health"));
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.body()).isEqualTo("not ok\n");
    }

    @Test
    void expiredIdpMetadataMakesTheNodeUnhealthy() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        Document metadata = new IdpMetadataWriter(EmbeddedTomcat.IDP_ENTITY).signingCertificate(IDP_KEY)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SSO).toDocument();
        metadata.getDocumentElement().setAttribute("validUntil",
                DateTimeFormatter.ISO_INSTANT.format(clock.instant().plus(Duration.ofHours(1))));
        Files.writeString(server.idpMetadata, Xml.toString(metadata));
        SsoValve valve = server.valve();
        valve.setClock(clock);
        server.start(valve);
        assertThat(new Browser().get(server.url("/sso/health")).status()).isEqualTo(200);

        clock.advance(Duration.ofHours(2));
        Browser.Page expired = new Browser().get(server.url("/sso/health"));
        assertThat(expired.status()).isEqualTo(503);
        assertThat(expired.body()).startsWith("not ok\nreason: idp_metadata_expired\n");
        assertThat(JMX.getAttribute(name(), "IdpMetadataValid")).isEqualTo(false);
    }
}
