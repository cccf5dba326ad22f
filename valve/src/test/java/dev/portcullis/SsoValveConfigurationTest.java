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

import dev.portcullis.config.Setting;
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

    /**
     * A state-store configuration the caches cannot use stops the start with a sentence naming the
     * setting (the caches themselves only name the file); the same valve with the shipped conf/ehcache.xml starts.
     */
    @Test
    void refusesAnEhcacheConfigItCannotUseNamingTheSetting() throws Exception {
        Path missing = server.dir.resolve("no-such-ehcache.xml");
        assertThat(refusal(v -> v.setProperty("ehcacheConfig", missing.toString())))
                .isEqualTo("Portcullis setting 'ehcacheConfig': cannot read " + missing + ".");

        server.close();
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        Path readable = Path.of("..", "conf", "ehcache.xml");
        SsoValve valve = server.valve();
        valve.setProperty("ehcacheConfig", readable.toString());
        server.start(valve);
        assertThat(valve.getState()).isEqualTo(LifecycleState.STARTED);
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
        assertThat(refusal(v -> v.setProperty("externalBaseUrl", ""))).contains("'externalBaseUrl'");
    }

    @Test
    void refusesAnExternalBaseUrlWithAPath() {
        assertThat(refusal(v -> v.setProperty("externalBaseUrl", "https://apps.example.com/app"))).contains("'externalBaseUrl'");
    }

    @Test
    void refusesMissingIdpMetadata() {
        SsoValve valve = new SsoValve();
        valve.setProperty("externalBaseUrl", server.url(""));
        valve.setProperty("spPrivateKey", server.spKeyFile.toString());
        valve.setProperty("spCertificate", server.spCertFile.toString());
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
        assertThat(refusal(v -> v.setProperty("idpMetadata", keyless.toString()))).contains("'idpMetadata'").contains("signing key");
    }

    @Test
    void refusesIdpMetadataOverPlainHttpFromAnotherHost() {
        assertThat(refusal(v -> v.setProperty("idpMetadata", "http://idp.example.org/metadata"))).contains("'idpMetadata'")
                .contains("https");
    }

    @Test
    void refusesASigningSetupWithoutKey() {
        SsoValve valve = new SsoValve();
        valve.setProperty("externalBaseUrl", server.url(""));
        valve.setProperty("idpMetadata", server.idpMetadata.toString());
        valve.setProperty("signAuthnRequests", "true");
        assertThat(refusalOf(valve)).contains("'spKeystore'").contains("signAuthnRequests");
    }

    @Test
    void refusesAKeyThatDoesNotMatchItsCertificate() throws Exception {
        Path otherCert = server.dir.resolve("other.crt");
        Files.writeString(otherCert, TestCredentials.rsa("other").certificatePem());
        assertThat(refusal(v -> v.setProperty("spCertificate", otherCert.toString()))).contains("'spPrivateKey'")
                .contains("does not belong");
    }

    @Test
    void refusesAKeystoreWithTheWrongPassword() throws Exception {
        Path keystore = server.dir.resolve("sp.p12");
        SP_KEY.writePkcs12(keystore, "sp", "right".toCharArray());
        assertThat(refusal(v -> {
            v.setProperty("spPrivateKey", null);
            v.setProperty("spCertificate", null);
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
        assertThat(valve.settingText(Setting.SP_KEYSTORE_PASSWORD)).isEqualTo("********");
    }

    /**
     * Every setting reaches the valve the way server.xml sets it: Catalina's own start digester reads a
     * {@code <Valve>} element with every attribute, and (the valve having no setters of its own) each one
     * arrives through {@code setProperty}. A setting whose name a ValveBase setter took, or that the
     * digester dropped, would fail here.
     */
    @Test
    void everySettingReachesTheValveFromServerXml() throws Exception {
        StringBuilder attributes = new StringBuilder();
        for (Setting setting : Setting.values()) {
            attributes.append(' ').append(setting.attribute()).append("=\"value-of-").append(setting.attribute()).append('"');
        }

        SsoValve valve = parseServerXml(attributes.toString());

        for (Setting setting : Setting.values()) {
            String expected = setting.secret() ? "********" : "value-of-" + setting.attribute();
            assertThat(valve.settingText(setting)).as(setting.attribute()).isEqualTo(expected);
        }
    }

    /**
     * A typo in server.xml, read by Catalina's digester and started as Tomcat starts it, stops the valve
     * with one sentence naming the attribute; the same file without the typo starts.
     */
    @Test
    void anUnknownAttributeInServerXmlStopsTheValve() throws Exception {
        String minimal = " externalBaseUrl=\"" + server.url("") + "\" idpMetadata=\"" + server.idpMetadata
                + "\" spPrivateKey=\"" + server.spKeyFile + "\" spCertificate=\"" + server.spCertFile + "\"";

        SsoValve typo = parseServerXml(minimal + " wantAssertionSigned=\"false\"");
        assertThat(startAlone(typo)).isNotEqualTo(LifecycleState.STARTED);
        assertThat(startFailure(typo)).isEqualTo("Portcullis setting 'wantAssertionSigned': is not a Portcullis setting."
                + " Did you mean 'wantAssertionsSigned'?");

        SsoValve valid = parseServerXml(minimal + " wantAssertionsSigned=\"false\"");
        assertThat(startAlone(valid)).isEqualTo(LifecycleState.STARTED);
        assertThat(valid.startFailure()).isNull();
    }

    /**
     * Starts the server.xml's Server as Tomcat would (base folder: the test's), then stops it again;
     * returns the valve's state while it ran.
     */
    private LifecycleState startAlone(SsoValve valve) throws Exception {
        org.apache.catalina.Server parsed = ((org.apache.catalina.Engine) valve.getContainer().getParent()).getService()
                .getServer();
        Files.createDirectories(server.dir.resolve("webapps"));
        parsed.setCatalinaBase(server.dir.toFile());
        parsed.setCatalinaHome(server.dir.toFile());
        try {
            parsed.init();
            parsed.start();
        } catch (LifecycleException e) {
            // a refusal: reported through the valve's state and startFailure()
        }
        LifecycleState state = valve.getState();
        try {
            parsed.stop();
            parsed.destroy();
        } catch (LifecycleException e) {
            // a Server whose Host failed may refuse to stop cleanly; nothing is left listening either way
        }
        return state;
    }

    /** Reads a server.xml with one Host whose valve has these attributes, with Catalina's own start digester. */
    private SsoValve parseServerXml(String valveAttributes) throws Exception {
        String xml = "<Server port=\"-1\" shutdown=\"SHUTDOWN\"><Service name=\"Catalina\">"
                + "<Engine name=\"Catalina\" defaultHost=\"localhost\"><Host name=\"localhost\" appBase=\"webapps\">"
                + "<Valve className=\"dev.portcullis.SsoValve\"" + valveAttributes + "/>"
                + "</Host></Engine></Service></Server>";
        ServerXmlReader catalina = new ServerXmlReader();
        org.apache.tomcat.util.digester.Digester digester = catalina.startDigester();
        digester.push(catalina);
        digester.parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
        org.apache.catalina.Container host = catalina.getServer().findServices()[0].getContainer().findChild("localhost");
        for (org.apache.catalina.Valve valve : ((org.apache.catalina.Host) host).getPipeline().getValves()) {
            if (valve instanceof SsoValve sso) {
                return sso;
            }
        }
        throw new AssertionError("the digester made no SsoValve");
    }

    /** Catalina, for its server.xml digester (the rules Tomcat itself reads server.xml with). */
    private static final class ServerXmlReader extends org.apache.catalina.startup.Catalina {
        org.apache.tomcat.util.digester.Digester startDigester() {
            return createStartDigester();
        }
    }

    /**
     * JMX: Tomcat registers the valve as an MBean by introspection (no mbeans-descriptors.xml); without
     * setters of its own the registration still works and shows the valve's state.
     */
    @Test
    void registersAsAnMBean() throws Exception {
        SsoValve valve = server.valve();
        server.start(valve);

        javax.management.MBeanServer mbeans = org.apache.tomcat.util.modeler.Registry.getRegistry(null).getMBeanServer();
        javax.management.ObjectName name = valve.getObjectName();
        assertThat(name).isNotNull();
        assertThat(name.getKeyProperty("name")).isEqualTo("SsoValve");
        assertThat(mbeans.isRegistered(name)).isTrue();
        assertThat(mbeans.getAttribute(name, "stateName")).isEqualTo("STARTED");
    }

    @Test
    void refusesATomcatAdministrativeRoleInAllowedRolesSetAsTomcatSetsAnAttributeWithoutSetter() {
        assertThat(refusal(v -> set(v, "allowedRoles", "user, manager-script"))).contains("'allowedRoles'")
                .contains("roleMapping");
    }

    @Test
    void refusesAnEmptyProtectedPathList() {
        assertThat(refusal(v -> v.setProperty("protectedPaths", " "))).contains("'protectedPaths'");
    }

    @Test
    void refusesAMalformedPathPattern() {
        assertThat(refusal(v -> v.setProperty("excludedPaths", "/public/*.css"))).contains("'excludedPaths'");
    }
}
