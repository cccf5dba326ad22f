package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.security.auth.Subject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;
import dev.portcullis.tools.PortcullisAdmin;

/**
 * {@code portcullis-admin} against a running valve through a real JMX connector (RMI on loopback, with
 * password authentication, as a Tomcat started with {@code com.sun.management.jmxremote.*} has): it
 * ends exactly the named user's sessions and the valve audits the JMX user as the actor; wrong
 * credentials and mistakes end in one sentence and status 2, and ending every session needs --yes.
 */
class PortcullisAdminTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("admin-idp");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("admin-sp");
    private static final RMIServerSocketFactory LOOPBACK = port -> new ServerSocket(port, 50, InetAddress.getLoopbackAddress());

    private static EmbeddedTomcat server;
    private static Registry registry;
    private static JMXConnectorServer connector;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        server.start(server.valve());
        int port = EmbeddedTomcat.freePort();
        registry = LocateRegistry.createRegistry(port, null, LOOPBACK);
        Map<String, Object> environment = new HashMap<>();
        environment.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, LOOPBACK);
        environment.put(JMXConnectorServer.AUTHENTICATOR, (JMXAuthenticator) credentials -> {
            String[] pair = credentials instanceof String[] strings && strings.length == 2 ? strings : new String[2];
            if (!"ops-alice".equals(pair[0]) || !"s3cret".equals(pair[1])) {
                throw new SecurityException("Authentication failed");
            }
            return new Subject(true, Set.of(new JMXPrincipal("ops-alice")), Set.of(), Set.of());
        });
        url = "service:jmx:rmi://127.0.0.1/jndi/rmi://127.0.0.1:" + port + "/jmxrmi";
        connector = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL(url), environment,
                ManagementFactory.getPlatformMBeanServer());
        connector.start();
    }

    @AfterAll
    static void stop() throws Exception {
        connector.stop();
        UnicastRemoteObject.unexportObject(registry, true);
        server.close();
    }

    private record Run(int status, String out, String err) {
    }

    private static Run admin(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new PortcullisAdmin(environment::get).run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run admin(String... args) {
        return admin(Map.of("PORTCULLIS_JMX_PASSWORD", "s3cret"), args);
    }

    private static Browser signedIn(String user) {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), user);
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(doc));
        form.put("RelayState", query.get("RelayState"));
        assertThat(browser.post(server.url("/sso/acs"), form).status()).isEqualTo(303);
        return browser;
    }

    private static boolean isSignedIn(Browser browser) {
        return browser.get(server.url("/app/")).status() == 200;
    }

    @Test
    void endSessionsEndsThatUsersSessionsAndTheValveAuditsTheJmxUser() throws IOException {
        Browser alice1 = signedIn("alice");
        Browser alice2 = signedIn("alice");
        Browser bob = signedIn("bob");
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Run run = admin("--url", url, "--user", "ops-alice", "end-sessions", "alice");

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("Ended 2 session(s) of alice.\n");
            assertThat(logs.lines()).filteredOn(l -> l.contains("admin_action")).singleElement()
                    .satisfies(l -> assertThat(l).contains("\"actor\":\"ops-alice\"").contains("\"target\":\"alice\""));
        }
        assertThat(isSignedIn(alice1)).isFalse();
        assertThat(isSignedIn(alice2)).isFalse();
        assertThat(isSignedIn(bob)).isTrue();
    }

    @Test
    void statusPrintsTheCountersAndSettings() {
        Run run = admin("--url", url, "--user", "ops-alice", "status");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("dev.portcullis:type=SsoValve,host=localhost\n")
                .contains("  SignInsAccepted: ").contains("  SignInsRefused[invalid_signature]: ")
                .contains("  Settings[externalBaseUrl]: http://localhost:" + server.port).contains("  IdpMetadataValid: true");
        assertThat(admin("--url", url, "--user", "ops-alice", "valves").out())
                .isEqualTo("dev.portcullis:type=SsoValve,host=localhost\n");
    }

    @Test
    void endAllSessionsNeedsYes() {
        Browser carol = signedIn("carol");
        Run refused = admin("--url", url, "--user", "ops-alice", "end-all-sessions");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).contains("add --yes");
        assertThat(isSignedIn(carol)).isTrue();

        Run done = admin("--url", url, "--user", "ops-alice", "end-all-sessions", "--yes");
        assertThat(done.status()).as(done.err()).isZero();
        assertThat(done.out()).startsWith("Ended ");
        assertThat(isSignedIn(carol)).isFalse();
    }

    @Test
    void wrongCredentialsAndMistakesEndInOneSentence() {
        Run wrong = admin(Map.of("PORTCULLIS_JMX_PASSWORD", "guess"), "--url", url, "--user", "ops-alice", "status");
        assertThat(wrong.status()).isEqualTo(2);
        assertThat(wrong.err()).startsWith("portcullis-admin: JMX refused the credentials").hasLineCount(1);

        for (List<String> args : List.of(List.of("status"), List.of("--url", url, "--pid", "1", "status"),
                List.of("--url", url, "--user", "ops-alice", "--password", "s3cret", "status"),
                List.of("--url", url, "frobnicate"), List.of("--url", url, "end-sessions"),
                List.of("--url", "http://example.com", "status"), List.of("--pid", "not-a-pid", "status"),
                List.of("--url", url, "--user", "ops-alice", "--valve", "other.example.com", "status"))) {
            Run run = admin(args.toArray(String[]::new));
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", args)).startsWith("portcullis-admin: ").hasLineCount(1);
        }
        Run noPassword = admin(Map.of(), "--url", url, "--user", "ops-alice", "status");
        assertThat(noPassword.err()).contains("PORTCULLIS_JMX_PASSWORD");
    }

    /**
     * {@code --pid}: the tool in a JVM of its own (as scripts/portcullis-admin runs it) attaches to this test's
     * JVM, which runs the valve, starts its local JMX agent and reads the valve's MBean; no port, no password.
     */
    @Test
    void attachesByProcessId() throws Exception {
        Browser dave = signedIn("dave");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process tool = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PortcullisAdmin.class.getName(), "--pid", Long.toString(ProcessHandle.current().pid()), "end-sessions", "dave")
                .redirectErrorStream(true).start();
        assertThat(tool.waitFor(60, TimeUnit.SECONDS)).as("the tool finished").isTrue();
        String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tool.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("Ended 1 session(s) of dave.\n");
        assertThat(isSignedIn(dave)).isFalse();
    }
}
