package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.tomcat.util.IntrospectionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.TestCredentials;

/**
 * Fail closed: a valve with a missing or wrong setting refuses to start, with one sentence that names
 * the setting, and its Host then serves nothing — never the webapps unprotected. Attributes are set
 * through {@link IntrospectionUtils#setProperty}, which is exactly what Tomcat's digester calls for
 * each {@code <Valve>} attribute in server.xml.
 */
class SsoValveConfigurationTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");

    private EmbeddedTomcat server;

    @BeforeEach
    void create() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
    }

    @AfterEach
    void destroy() throws Exception {
        server.close();
    }

    private static void set(SsoValve valve, String attribute, String value) {
        IntrospectionUtils.setProperty(valve, attribute, value);
    }

    /** Starts Tomcat with the valve, expecting the valve to refuse; returns the valve's error message. */
    private String refusal(Consumer<SsoValve> configure) {
        SsoValve valve = server.valve();
        configure.accept(valve);
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // Depending on the Tomcat version the failure surfaces here or only in the container's state.
        }
        assertThat(valve.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(server.tomcat.getHost().getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThatThrownBy(() -> new Browser(Duration.ofSeconds(2)).get(server.url("/app/")))
                .as("a Host whose valve failed must not serve its webapps")
                .isInstanceOf(IllegalStateException.class);
        return startFailure(valve);
    }

    private static String startFailure(SsoValve valve) {
        assertThat(valve.startFailure()).as("the valve's start failure").isNotNull();
        return valve.startFailure();
    }

    @Test
    void startsWithTheMinimalSettings() throws Exception {
        SsoValve valve = server.valve();
        server.start(valve);

        assertThat(valve.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(new Browser().get(server.url("/app/")).status()).isEqualTo(302);
    }

    @Test
    void stoppingTheValveLeavesNoThreadBehind() throws Exception {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        SsoValve valve = server.valve();
        server.start(valve);
        new Browser().get(server.url("/app/"));
        java.util.Set<String> running = new java.util.TreeSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).forEach(t -> running.add(t.getName()));

        server.tomcat.stop();
        server.tomcat.destroy();
        Thread.sleep(200);

        java.util.List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive()).map(Thread::getName)
                .filter(name -> !name.startsWith("HttpClient")) // the test's own HTTP client
                .toList();
        assertThat(left).as("threads started while running: %s", running).isEmpty();
    }

    @Test
    void refusesAnUnknownAttributeAndSuggestsTheRealOne() {
        assertThat(refusal(v -> set(v, "wantAssertionSigned", "false")))
                .contains("'wantAssertionSigned'").contains("Did you mean 'wantAssertionsSigned'");
    }

    @Test
    void refusesADurationWithoutUnit() {
        assertThat(refusal(v -> set(v, "clockSkew", "30"))).contains("'clockSkew'").contains("unit");
    }

    @Test
    void refusesAClockSkewThatWouldKeepExpiredAssertionsAlive() {
        assertThat(refusal(v -> set(v, "clockSkew", "1h"))).contains("'clockSkew'");
    }

    @Test
    void refusesABooleanThatIsNeitherTrueNorFalse() {
        assertThat(refusal(v -> set(v, "wantAssertionsSigned", "no"))).contains("'wantAssertionsSigned'");
    }

    @Test
    void refusesAMissingExternalBaseUrl() {
        assertThat(refusal(v -> v.setExternalBaseUrl(""))).contains("'externalBaseUrl'");
    }

    @Test
    void refusesAnExternalBaseUrlWithAPath() {
        assertThat(refusal(v -> v.setExternalBaseUrl("https://apps.example.com/app"))).contains("'externalBaseUrl'");
    }

    @Test
    void refusesMissingIdpMetadata() {
        SsoValve valve = new SsoValve();
        valve.setExternalBaseUrl(server.url(""));
        valve.setSpPrivateKey(server.spKeyFile.toString());
        valve.setSpCertificate(server.spCertFile.toString());
        String message = refusalOf(valve);
        assertThat(message).contains("'idpMetadata'").contains("required");
    }

    private String refusalOf(SsoValve valve) {
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // see refusal()
        }
        assertThat(valve.getState()).isNotEqualTo(LifecycleState.STARTED);
        return startFailure(valve);
    }

    @Test
    void refusesIdpMetadataWithoutASigningKey() throws Exception {
        Path keyless = server.dir.resolve("keyless.xml");
        Files.writeString(keyless, new IdpMetadataWriter("https://idp.example.org/metadata")
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, "https://idp.example.org/sso").toString());
        assertThat(refusal(v -> v.setIdpMetadata(keyless.toString()))).contains("'idpMetadata'").contains("signing key");
    }

    @Test
    void refusesIdpMetadataOverPlainHttpFromAnotherHost() {
        assertThat(refusal(v -> v.setIdpMetadata("http://idp.example.org/metadata"))).contains("'idpMetadata'")
                .contains("https");
    }

    @Test
    void refusesASigningSetupWithoutKey() {
        SsoValve valve = new SsoValve();
        valve.setExternalBaseUrl(server.url(""));
        valve.setIdpMetadata(server.idpMetadata.toString());
        valve.setSignAuthnRequests("true");
        assertThat(refusalOf(valve)).contains("'spKeystore'").contains("signAuthnRequests");
    }

    @Test
    void refusesAKeyThatDoesNotMatchItsCertificate() throws Exception {
        Path otherCert = server.dir.resolve("other.crt");
        Files.writeString(otherCert, TestCredentials.rsa("other").certificatePem());
        assertThat(refusal(v -> v.setSpCertificate(otherCert.toString()))).contains("'spPrivateKey'")
                .contains("does not belong");
    }

    @Test
    void refusesAKeystoreWithTheWrongPassword() throws Exception {
        Path keystore = server.dir.resolve("sp.p12");
        SP_KEY.writePkcs12(keystore, "sp", "right".toCharArray());
        assertThat(refusal(v -> {
            v.setSpPrivateKey(null);
            v.setSpCertificate(null);
            set(v, "spKeystore", keystore.toString());
            set(v, "spKeystorePassword", "wrong");
        })).contains("'spKeystorePassword'");
    }

    @Test
    void startsWithAPkcs12Keystore() throws Exception {
        Path keystore = server.dir.resolve("sp.p12");
        SP_KEY.writePkcs12(keystore, "sp", "changeit".toCharArray());
        SsoValve valve = new SsoValve();
        set(valve, "externalBaseUrl", server.url(""));
        set(valve, "idpMetadata", server.idpMetadata.toString());
        set(valve, "spKeystore", keystore.toString());
        set(valve, "spKeystorePassword", "changeit");
        server.start(valve);

        assertThat(valve.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(valve.getSpKeystorePassword()).isEqualTo("********");
    }

    @Test
    void everySettingCanBeSetTheWayTomcatSetsServerXmlAttributes() {
        // Tomcat's digester calls a setter when there is one, else setProperty(name, value): both reach the settings.
        SsoValve valve = new SsoValve();
        for (dev.portcullis.config.Setting setting : dev.portcullis.config.Setting.values()) {
            assertThat(org.apache.tomcat.util.IntrospectionUtils.setProperty(valve, setting.attribute(), "x"))
                    .as(setting.attribute()).isTrue();
        }
    }

    @Test
    void refusesATomcatAdministrativeRoleInAllowedRolesSetAsTomcatSetsAnAttributeWithoutSetter() {
        assertThat(refusal(v -> set(v, "allowedRoles", "user, manager-script"))).contains("'allowedRoles'")
                .contains("roleMapping");
    }

    @Test
    void refusesAnEmptyProtectedPathList() {
        assertThat(refusal(v -> v.setProtectedPaths(" "))).contains("'protectedPaths'");
    }

    @Test
    void refusesAMalformedPathPattern() {
        assertThat(refusal(v -> v.setExcludedPaths("/public/*.css"))).contains("'excludedPaths'");
    }
}
