package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.portcullis.logging.LogConfiguration;
import dev.portcullis.testkit.TestCredentials;

/**
 * {@code logConfig} is a valve attribute, but every Portcullis valve of one Tomcat logs through one
 * Log4j context. A second valve asking for another configuration than the running one is refused with
 * a sentence naming the setting (it would otherwise silently move the first valve's audit lines), the
 * same configuration is accepted, and a valve that stops gives up its say.
 */
class LogConfigAcrossValvesTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");

    @TempDir
    Path dir;
    private final List<EmbeddedTomcat> servers = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (EmbeddedTomcat server : servers) {
            server.close();
        }
    }

    /** A copy of the built-in configuration under another name: a different logConfig, the same logging. */
    private Path configuration(String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream builtIn = LogConfiguration.class.getResourceAsStream("portcullis-log4j2-default.xml")) {
            Files.copy(builtIn, file);
        }
        return file;
    }

    /** Starts a valve in a Tomcat of its own; returns it whether it started or refused. */
    private SsoValve start(Path logConfig) throws Exception {
        EmbeddedTomcat server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        servers.add(server);
        SsoValve valve = server.valve();
        if (logConfig != null) {
            valve.setProperty("logConfig", logConfig.toString());
        }
        try {
            server.start(valve);
        } catch (LifecycleException e) {
            // a refusal shows in the valve's state
        }
        return valve;
    }

    private static String configLocation() {
        return ((LoggerContext) LogManager.getContext(SsoValve.class.getClassLoader(), false)).getConfigLocation().toString();
    }

    @Test
    void aSecondValveWithAnotherLogConfigIsRefusedAndOneWithTheSameStarts() throws Exception {
        Path a = configuration("a.xml");
        Path b = configuration("b.xml");
        SsoValve first = start(a);
        assertThat(first.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(configLocation()).endsWith("/a.xml");

        SsoValve other = start(b);
        assertThat(other.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(other.startFailure()).isEqualTo("Portcullis setting 'logConfig': this valve would log with " + b
                + ", but a Portcullis valve already running in this Tomcat logs with " + a + ", and all Portcullis valves"
                + " share one Log4j configuration: give them the same logConfig.");
        assertThat(configLocation()).as("the running valve's logging is untouched").endsWith("/a.xml");

        SsoValve unset = start(null);
        assertThat(unset.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(unset.startFailure()).startsWith("Portcullis setting 'logConfig': this valve would log with the built-in"
                + " configuration (no logConfig), but");

        SsoValve same = start(a);
        assertThat(same.getState()).isEqualTo(LifecycleState.STARTED);
    }

    @Test
    void aValveThatStoppedGivesUpItsConfiguration() throws Exception {
        Path a = configuration("a.xml");
        Path b = configuration("b.xml");
        SsoValve first = start(a);
        assertThat(first.getState()).isEqualTo(LifecycleState.STARTED);
        servers.get(0).close();

        SsoValve next = start(b);
        assertThat(next.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(configLocation()).endsWith("/b.xml");
        servers.get(1).close();

        SsoValve builtIn = start(null);
        assertThat(builtIn.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(configLocation()).as("back to the built-in configuration").endsWith("/portcullis-log4j2-default.xml");
    }
}
