package dev.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.SocketAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.Rfc5424Layout;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conf/examples/portcullis-log4j2-syslog.xml} is {@code conf/log4j2.xml} plus the syslog copy of
 * the audit events, and a syslog server that is down or stops reading never holds up the thread that
 * logs an event (a request thread, in the valve). Read here by the plain Log4j the tests use; SyslogAuditIT
 * (integration-tests) runs the same file through the shaded JAR in Tomcat against a listener and parses
 * the RFC 5424 frames.
 */
class SyslogConfigurationTest {

    private static final Path CONF = Path.of("..", "conf");
    private static final Path SYSLOG = CONF.resolve("examples/portcullis-log4j2-syslog.xml");

    private final List<LoggerContext> contexts = new CopyOnWriteArrayList<>();

    @AfterEach
    void clear() {
        contexts.forEach(LoggerContext::stop);
        System.clearProperty("portcullis.syslog.port");
        System.clearProperty("portcullis.syslog.host");
        System.clearProperty("catalina.base");
    }

    private Configuration start(Path file, Path base, int syslogPort) {
        System.setProperty("catalina.base", base.toString());
        System.setProperty("portcullis.syslog.host", "127.0.0.1");
        System.setProperty("portcullis.syslog.port", Integer.toString(syslogPort));
        LoggerContext context = new LoggerContext("syslog-config-test-" + contexts.size(), null, file.toUri());
        contexts.add(context);
        context.start();
        return context.getConfiguration();
    }

    @Test
    void itIsTheShippedLogFilePlusTheSyslogCopyOfTheAuditEvents(@TempDir Path base) throws Exception {
        Configuration shipped = start(CONF.resolve("log4j2.xml"), base.resolve("a"), aClosedPort());
        Configuration syslog = start(SYSLOG, base.resolve("b"), aClosedPort());

        Map<String, Appender> extra = new HashMap<>(syslog.getAppenders());
        shipped.getAppenders().forEach((name, appender) -> {
            Appender same = extra.remove(name);
            assertThat(same).as("appender " + name).isNotNull().hasSameClassAs(appender);
            assertThat(same.getLayout().getContentFormat()).as(name).isEqualTo(appender.getLayout().getContentFormat());
            if (appender instanceof RollingFileAppender file) {
                RollingFileAppender other = (RollingFileAppender) same;
                assertThat(other.getFileName().replace("/b/", "/a/")).isEqualTo(file.getFileName());
                assertThat(other.getFilePattern().replace("/b/", "/a/")).isEqualTo(file.getFilePattern());
            }
        });
        assertThat(extra).containsOnlyKeys("syslog", "syslog-tcp");
        AsyncAppender queue = (AsyncAppender) extra.get("syslog");
        assertThat(queue.isBlocking()).as("a full queue drops, never waits").isFalse();
        assertThat(queue.getAppenderRefStrings()).containsExactly("syslog-tcp");
        assertThat(extra.get("syslog-tcp")).isInstanceOf(SocketAppender.class);
        assertThat(extra.get("syslog-tcp").getLayout()).isInstanceOf(Rfc5424Layout.class);

        assertThat(syslog.getLoggers().keySet()).isEqualTo(shipped.getLoggers().keySet());
        for (LoggerConfig logger : shipped.getLoggers().values()) {
            LoggerConfig same = syslog.getLoggerConfig(logger.getName());
            assertThat(same.getLevel()).as(logger.getName()).isEqualTo(logger.getLevel());
            assertThat(same.isAdditive()).as(logger.getName()).isEqualTo(logger.isAdditive());
            List<String> refs = new java.util.ArrayList<>(logger.getAppenderRefs().stream().map(AppenderRef::getRef).toList());
            if (logger.getName().equals(AuditLog.LOGGER)) {
                refs.add("syslog");
            }
            assertThat(same.getAppenderRefs().stream().map(AppenderRef::getRef).toList()).as(logger.getName())
                    .isEqualTo(refs);
        }
        assertThat(syslog.getRootLogger().getAppenderRefs().stream().map(AppenderRef::getRef).toList())
                .isEqualTo(shipped.getRootLogger().getAppenderRefs().stream().map(AppenderRef::getRef).toList());
    }

    /**
     * A syslog server that accepts the connection and then reads nothing (stalled, or applying back-pressure
     * because its own queue is full): once the TCP buffers fill, a plain socket write waits until it reads
     * again, and with it the sign-in that logged the event. 20,000 events of about 1 KB (far beyond the
     * buffers) are logged within a bound, and the file has every one. What does wait is Log4j's own stop
     * (a reconfiguration): it needs the connection the blocked write holds, until the server reads or the
     * connection breaks, as it does here when the server goes away (docs/AUDIT.md says so).
     */
    @Test
    void aSyslogServerThatStopsReadingNeverHoldsUpTheThreadThatLogs(@TempDir Path base) throws Exception {
        ServerSocket stalled = new ServerSocket();
        try {
            // Never accepted, never read: the kernel completes the connection and buffers until it is full.
            stalled.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            start(SYSLOG, base, stalled.getLocalPort());
            AuditLog audit = new AuditLog(contexts.get(0).getLogger(AuditLog.LOGGER));
            String longName = "u".repeat(256);
            String longIdp = "https://idp.example.com/" + "p".repeat(230);

            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 20_000; i++) {
                    audit.loginSuccess(longName, longIdp, "hash" + i, "10.0.0.1", "CORR", "urn:" + "c".repeat(250));
                }
            });

            try (var lines = Files.lines(base.resolve("logs/portcullis-audit.log"))) {
                assertThat(lines.count()).as("the file is the complete record").isEqualTo(20_000);
            }
        } finally {
            // Closing a listener resets the connections it never accepted: the blocked write fails, Log4j can stop.
            stalled.close();
        }
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> contexts.get(0).stop());
    }

    /**
     * Nothing listens: every event still reaches the file, none waits, and Log4j's reports on the console
     * stay bounded (it reports the first failures, then at most once every five minutes).
     */
    @Test
    void aSyslogServerThatIsDownCostsTheFileNothingAndTheConsoleAFewLines(@TempDir Path base) throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        StatusListener listener = listener(data -> reports.add(data.getMessage().getFormattedMessage()));
        StatusLogger.getLogger().registerListener(listener);
        try {
            start(SYSLOG, base, aClosedPort());
            AuditLog audit = new AuditLog(contexts.get(0).getLogger(AuditLog.LOGGER));
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < 300; i++) {
                    audit.loginFailure("invalid_signature", "https://idp", "10.0.0.1", "CORR" + i);
                    Thread.sleep(2);
                }
            });
            contexts.get(0).stop();
        } finally {
            StatusLogger.getLogger().removeListener(listener);
        }

        assertThat(Files.readAllLines(base.resolve("logs/portcullis-audit.log"))).hasSize(300);
        assertThat(reports).as("Log4j's reports").anySatisfy(r -> assertThat(r).contains("TCP:127.0.0.1"))
                .hasSizeLessThanOrEqualTo(6);
    }

    private static StatusListener listener(Consumer<StatusData> errors) {
        return new StatusListener() {
            @Override
            public void log(StatusData data) {
                if (data.getLevel().isMoreSpecificThan(Level.ERROR)) {
                    errors.accept(data);
                }
            }

            @Override
            public Level getStatusLevel() {
                return Level.ERROR;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A loopback port nothing listens on (free a moment ago). */
    private static int aClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
