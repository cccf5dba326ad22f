package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Off-boarding as an operator does it, against the shaded valve JAR in an embedded Tomcat 11 with the
 * development IdP and the shipped {@code conf/log4j2.xml}: alice signed in twice (two browsers, two
 * webapps) and bob once; "end the sessions of alice" invoked on the valve's MBean through the platform
 * MBeanServer (what jconsole, the Manager's JMX proxy and portcullis-admin reach); both of alice's
 * sessions are gone at once, bob's stays, and the audit log has one line saying who did what to how
 * many sessions. And the health check a load balancer polls, as this machine sees it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsIT {

    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private Stack stack;

    @BeforeAll
    void start() throws Exception {
        Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
        stack = Stack.start(Stack.Level.HOST, idp -> { }, valve -> valve.setProperty("logConfig",
                conf.resolve("log4j2.xml").toString()));
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    private static ObjectName valve() throws Exception {
        return new ObjectName("dev.portcullis:type=SsoValve,host=localhost");
    }

    private boolean signedIn(Browser browser, String path) {
        return browser.get(stack.url(path)).status() == 200;
    }

    private List<String> auditLines(String event) throws Exception {
        Path audit = stack.tomcat.getServer().getCatalinaBase().toPath().resolve("logs/portcullis-audit.log");
        return Files.readAllLines(audit).stream().filter(l -> l.contains("\"event\":\"" + event + "\"")).toList();
    }

    @Test
    void endingAlicesSessionsThroughJmxEndsBothOfThemAndLeavesBobSignedIn() throws Exception {
        Browser aliceAtWork = new Browser();
        Browser aliceAtHome = new Browser();
        Browser bob = new Browser();
        SignInIT.signIn(aliceAtWork, stack, stack.url("/sample/"), "alice", "alice");
        SignInIT.signIn(aliceAtHome, stack, stack.url("/second/"), "alice", "alice");
        SignInIT.signIn(bob, stack, stack.url("/sample/"), "bob", "bob");
        assertThat(signedIn(aliceAtWork, "/sample/")).isTrue();
        assertThat(signedIn(aliceAtHome, "/second/")).isTrue();
        assertThat(auditLines("admin_action")).isEmpty();

        Object ended = JMX.invoke(valve(), "endSessionsOf", new Object[] {"alice"}, new String[] {String.class.getName()});

        assertThat(ended).isEqualTo(2);
        assertThat(signedIn(aliceAtWork, "/sample/")).as("alice at work, signed out").isFalse();
        assertThat(signedIn(aliceAtWork, "/second/")).isFalse();
        assertThat(signedIn(aliceAtHome, "/second/")).as("alice at home, signed out").isFalse();
        assertThat(signedIn(bob, "/sample/")).as("bob stays signed in").isTrue();
        assertThat(auditLines("admin_action")).singleElement().satisfies(line -> assertThat(line)
                .contains("\"actor\":\"jmx\"").contains("\"action\":\"end_sessions_of\"").contains("\"target\":\"alice\"")
                .contains("\"sessions\":2").startsWith("{\"timestamp\":"));
        TabularData logouts = (TabularData) JMX.getAttribute(valve(), "Logouts");
        assertThat(logouts.get(new Object[] {"admin"}).get("value")).isEqualTo(2L);
        assertThat(((Number) JMX.getAttribute(valve(), "SignInsAccepted")).longValue()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theHealthCheckSaysOkAndWhyToThisMachine() {
        Page health = new Browser().get(stack.url("/sso/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.header("Cache-Control")).isEqualTo("no-store");
        assertThat(health.body()).startsWith("ok\nreason: ok\n").contains("state_store: answering");
    }
}
