package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.portcullis.it.SyslogListener.Frame;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * The shipped {@code conf/examples/portcullis-log4j2-syslog.xml} as an operator turns it on: the valve's
 * {@code logConfig}, read by the shaded JAR's relocated Log4j (so its Socket appender, Rfc5424Layout and
 * Async appender must resolve by their plugin names in the JAR) in embedded Tomcat 11, sending to a
 * syslog listener this test runs on a loopback port. A sign-in and a refused sign-in arrive as RFC 5424
 * messages carrying the same JSON object as portcullis-audit.log; with the listener down, sign-ins go
 * on, the file keeps every event, and the events reach the listener again once it is back.
 */
class SyslogAuditIT {

    private static final Path CONFIG = Path.of("..", "conf", "examples", "portcullis-log4j2-syslog.xml")
            .toAbsolutePath().normalize();
    private static final int AUTHPRIV = 10;
    private static final int INFORMATIONAL = 6;
    private static final int WARNING = 4;

    @AfterEach
    void clear() {
        System.clearProperty("portcullis.syslog.host");
        System.clearProperty("portcullis.syslog.port");
    }

    /** The valve with the shipped syslog configuration, sending to 127.0.0.1:{@code port}. */
    private static Stack start(int port) throws Exception {
        assertThat(CONFIG).exists();
        // As an operator would in setenv.sh: the configuration file itself is used unchanged.
        System.setProperty("portcullis.syslog.host", "127.0.0.1");
        System.setProperty("portcullis.syslog.port", Integer.toString(port));
        return Stack.start(Stack.Level.HOST, idp -> { }, valve -> valve.setProperty("logConfig", CONFIG.toString()));
    }

    private static Path auditFile(Stack stack) {
        return stack.tomcat.getServer().getCatalinaBase().toPath().resolve("logs/portcullis-audit.log");
    }

    private static boolean is(Frame frame, String event) {
        return frame.msg() != null && frame.msg().contains("\"event\":\"" + event + "\"");
    }

    @Test
    void aSignInAndARefusedSignInArriveAsRfc5424Messages() throws Exception {
        try (SyslogListener syslog = SyslogListener.start(); Stack stack = start(syslog.port())) {
            Browser browser = new Browser();
            Page autoPost = SignInIT.idpAnswerForAlice(browser, stack);
            assertThat(browser.submit(autoPost, Map.of()).status()).as("alice signs in").isEqualTo(303);
            // The same signed response posted again: a replay, which the valve refuses.
            assertThat(browser.submit(autoPost, Map.of()).status()).as("the replay is refused").isEqualTo(403);

            Frame success = syslog.await(f -> is(f, "login_success"), Duration.ofSeconds(20));
            Frame failure = syslog.await(f -> is(f, "login_failure"), Duration.ofSeconds(20));

            assertThat(success.facility()).isEqualTo(AUTHPRIV);
            assertThat(success.severity()).as("an INFO event").isEqualTo(INFORMATIONAL);
            assertThat(failure.facility()).isEqualTo(AUTHPRIV);
            assertThat(failure.severity()).as("a WARN event").isEqualTo(WARNING);
            // Log4j's Rfc5424Layout names the machine by its canonical name (normally the FQDN, RFC 5424 section 6.2.4).
            String host = InetAddress.getLocalHost().getCanonicalHostName();
            for (Frame frame : List.of(success, failure)) {
                assertThat(frame.version()).isEqualTo(1);
                // RFC 5424 section 6.2.3: an RFC 3339 timestamp with its offset.
                Instant at = OffsetDateTime.parse(frame.timestamp()).toInstant();
                assertThat(Duration.between(at, Instant.now()).abs()).isLessThan(Duration.ofMinutes(2));
                assertThat(frame.hostname()).isEqualTo(host);
                assertThat(frame.appName()).isEqualTo("portcullis");
                assertThat(frame.procId()).matches("[0-9]+");
                assertThat(frame.msgId()).isEqualTo("audit");
                assertThat(frame.structuredData()).isEqualTo("-");
                assertThat(frame.msg()).startsWith("{").endsWith("}").doesNotContain("\n");
            }
            assertThat(success.msg()).contains("\"user\":\"alice\"").contains("\"session\":\"");
            assertThat(failure.msg()).containsPattern("\"code\":\"[a-z_]+\"").doesNotContain("alice");
            // MSG is the very JSON object of the file's line: syslog carries a copy of the complete record.
            List<String> file = Files.readAllLines(auditFile(stack));
            assertThat(file).anySatisfy(line -> assertThat(line).endsWith(",\"audit\":" + success.msg() + "}"));
            assertThat(file).anySatisfy(line -> assertThat(line).endsWith(",\"audit\":" + failure.msg() + "}"));
        }
    }

    @Test
    void withTheSyslogServerDownSignInsGoOnAndItsEventsFollowOnceItIsBack() throws Exception {
        int port = aClosedPort();
        try (Stack stack = start(port)) {
            // Nothing listens: Log4j says so once on the console at start and keeps trying in the background.
            Page home = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> SignInIT.signIn(new Browser(), stack, stack.url("/sample/"), "alice", "alice"));
            assertThat(home.body()).contains("Signed in as <strong>alice</strong>");
            assertThat(Files.readAllLines(auditFile(stack))).as("the file keeps every event")
                    .anySatisfy(line -> assertThat(line).contains("\"event\":\"login_success\"").contains("\"user\":\"alice\""));

            try (SyslogListener syslog = SyslogListener.start(port)) {
                // Log4j reconnects by itself (reconnectDelayMillis: 5 s); events logged before that are dropped.
                Frame frame = null;
                for (int attempt = 0; attempt < 10 && frame == null; attempt++) {
                    SignInIT.signIn(new Browser(), stack, stack.url("/sample/"), "bob", "bob");
                    try {
                        frame = syslog.await(f -> is(f, "login_success") && f.msg().contains("\"user\":\"bob\""),
                                Duration.ofSeconds(2));
                    } catch (AssertionError notYet) {
                        // not reconnected yet
                    }
                }
                assertThat(frame).as("a sign-in after the listener came back reaches it").isNotNull();
                assertThat(frame.version()).isEqualTo(1);
            }
        }
    }

    /** A loopback port nothing listens on (free a moment ago). */
    private static int aClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
