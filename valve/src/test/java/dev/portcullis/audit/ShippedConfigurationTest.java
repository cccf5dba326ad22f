package dev.portcullis.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.portcullis.session.CacheSetupException;
import dev.portcullis.session.Caches;

/**
 * The files under {@code conf/} that operators install are real configurations: the Ehcache file
 * starts the caches, the clustered one is refused with a clear sentence when the cluster JAR is missing
 * (ClusterJarIT in module cluster and ClusterIT in real-world-tests run it with the JAR and a server), and the Log4j file writes audit events as one JSON object per line into
 * $CATALINA_BASE/logs, without the values audit lines must never carry.
 */
class ShippedConfigurationTest {

    private static final Path CONF = Path.of("..", "conf");

    @Test
    void theShippedEhcacheFileStartsTheThreeCaches() {
        try (Caches caches = Caches.start(CONF.resolve("ehcache.xml"), Clock.systemUTC(), Duration.ofMinutes(30),
                getClass().getClassLoader())) {
            caches.replay().put("k", Instant.now().plusSeconds(60).toEpochMilli());
            assertThat(caches.replay().get("k")).isNotNull();
            assertThat(caches.sessions()).isNotNull();
            assertThat(caches.pendingLogins()).isNotNull();
        }
    }

    @Test
    void theShippedClusterFileWithoutTheClusterJarIsRefusedWithASentenceNamingTheJar() {
        // The valve's tests run without Ehcache's clustered client, as a Tomcat would without the add-on JAR.
        assertThatThrownBy(() -> Caches.start(CONF.resolve("ehcache-cluster.xml"), Clock.systemUTC(),
                Duration.ofMinutes(30), getClass().getClassLoader()))
                .isInstanceOf(CacheSetupException.class)
                .hasMessageContaining("portcullis-cluster JAR in the same folder as the valve JAR");
    }

    @Test
    void theShippedLogFileWritesOneJsonAuditLinePerEvent(@TempDir Path base) throws Exception {
        String previous = System.getProperty("catalina.base");
        System.setProperty("catalina.base", base.toString());
        LoggerContext context = new LoggerContext("shipped-config-test", null, CONF.resolve("log4j2.xml").toUri());
        try {
            context.start();
            AuditLog audit = new AuditLog(context.getLogger(AuditLog.LOGGER));
            audit.loginSuccess("alice\nevent=forged", "https://idp", "abcdef0123456789", "10.0.0.1", "CORR123456", null);
            audit.loginFailure("invalid_signature", "https://idp", "10.0.0.2", "CORR654321");
        } finally {
            context.stop();
            if (previous == null) {
                System.clearProperty("catalina.base");
            } else {
                System.setProperty("catalina.base", previous);
            }
        }

        List<String> lines = Files.readAllLines(base.resolve("logs/portcullis-audit.log"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("{").endsWith("}").contains("\"event\":\"login_success\"")
                .contains("\"user\":\"alice?event=forged\"").contains("\"session\":\"abcdef0123456789\"")
                .contains("\"correlation\":\"CORR123456\"").contains("\"timestamp\":");
        assertThat(lines.get(1)).contains("\"event\":\"login_failure\"").contains("\"code\":\"invalid_signature\"");
        assertThat(Files.exists(base.resolve("logs/portcullis.log"))).isTrue();
    }

    /**
     * INSTALL.md step 3 promises this: with the log file installed, warnings still reach catalina.out (the
     * console appender), informational and audit lines do not. Checked on the configuration, since Log4j shares
     * one console stream per JVM; StockTomcatDropInTests checks a real catalina.out.
     */
    @Test
    void theShippedLogFileAlsoSendsWarningsButNeitherInfoNorAuditLinesToTheConsole(@TempDir Path base) {
        String previous = System.getProperty("catalina.base");
        System.setProperty("catalina.base", base.toString());
        LoggerContext context = new LoggerContext("shipped-console-test", null, CONF.resolve("log4j2.xml").toUri());
        try {
            context.start();
            org.apache.logging.log4j.core.config.Configuration configuration = context.getConfiguration();
            assertThat(reachesConsole(configuration, "dev.portcullis.engine.IdpTrust", org.apache.logging.log4j.Level.WARN))
                    .isTrue();
            assertThat(reachesConsole(configuration, "dev.portcullis.engine.IdpTrust", org.apache.logging.log4j.Level.ERROR))
                    .isTrue();
            assertThat(reachesConsole(configuration, "dev.portcullis.engine.SsoEngine", org.apache.logging.log4j.Level.INFO))
                    .isFalse();
            assertThat(reachesConsole(configuration, AuditLog.LOGGER, org.apache.logging.log4j.Level.WARN)).isFalse();
        } finally {
            context.stop();
            if (previous == null) {
                System.clearProperty("catalina.base");
            } else {
                System.setProperty("catalina.base", previous);
            }
        }
    }

    /** Whether an event of this logger and level reaches the appender named "console", as Log4j routes it. */
    private static boolean reachesConsole(org.apache.logging.log4j.core.config.Configuration configuration, String logger,
                                          org.apache.logging.log4j.Level level) {
        org.apache.logging.log4j.core.config.LoggerConfig config = configuration.getLoggerConfig(logger);
        if (!level.isMoreSpecificThan(config.getLevel())) {
            return false;
        }
        for (org.apache.logging.log4j.core.config.LoggerConfig at = config; at != null; at = at.getParent()) {
            for (org.apache.logging.log4j.core.config.AppenderRef ref : at.getAppenderRefs()) {
                if (ref.getRef().equals("console") && (ref.getLevel() == null || level.isMoreSpecificThan(ref.getLevel()))) {
                    return true;
                }
            }
            if (!at.isAdditive()) {
                return false;
            }
        }
        return false;
    }
}
