package dev.portcullis.logging;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.status.StatusLogger;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Setting;

/**
 * Where Log4j reads Portcullis's logging configuration: the {@code logConfig} setting, else
 * {@code $CATALINA_BASE/conf/portcullis-log4j2.xml}, else the built-in console configuration.
 *
 * <p>There is one Portcullis logger context per class loader ({@link LogProperties}), so with the JAR
 * in Tomcat's {@code lib/} every Portcullis valve of that Tomcat (several Hosts, or Contexts) logs
 * through the same configuration. A setting that looks per valve but silently served whichever valve
 * started last would send one valve's audit lines where another's operator configured them; so the
 * first valve to start decides, every other valve must come to the same configuration, and one that
 * does not refuses to start, naming {@code logConfig}. A valve that stops gives up its say. This is the
 * one place where state is kept per class loader rather than per valve, because the Log4j context it
 * guards is. Thread-safe.
 */
public final class LogConfiguration {

    private static final String BUILT_IN_NAME = "portcullis-default";

    /** The configuration each running valve asked for. */
    private static final Map<Object, URI> IN_FORCE = new IdentityHashMap<>();
    /** What {@link #initialize} gave the context, until the first valve's {@link #apply}. */
    private static URI prepared;

    private LogConfiguration() {
    }

    private static URI builtIn() {
        try {
            return LogConfiguration.class.getResource("portcullis-log4j2-default.xml").toURI();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("the built-in logging configuration is missing from the Portcullis JAR", e);
        }
    }

    /**
     * Gives Portcullis's logger context, unless one is already in place, the configuration a valve without
     * {@code logConfig} will ask for: {@code $CATALINA_BASE/conf/portcullis-log4j2.xml} when it exists (INSTALL.md
     * step 3), else the built-in one. So an installation that follows INSTALL.md configures Log4j once per start,
     * not the built-in configuration first and the file again when the valve starts (about 130 ms of CPU).
     */
    public static void initialize(ClassLoader classLoader) {
        // Log4j's own start-up chatter (such as the relocated copy's note that it cannot look up caller
        // classes, which LogProperties makes irrelevant) stays out of catalina.out; errors still show.
        StatusLogger.getLogger().getFallbackListener().setLevel(Level.ERROR);
        Path file = defaultFile();
        URI location = file != null ? file.toAbsolutePath().normalize().toUri() : builtIn();
        synchronized (LogConfiguration.class) {
            prepared = location;
        }
        Configurator.initialize(BUILT_IN_NAME, classLoader, location);
    }

    /** {@code $CATALINA_BASE/conf/portcullis-log4j2.xml} when it can be read, else null. */
    private static Path defaultFile() {
        String base = System.getProperty("catalina.base");
        Path candidate = base == null ? null : Path.of(base, "conf", "portcullis-log4j2.xml");
        return candidate != null && Files.isReadable(candidate) ? candidate : null;
    }

    /**
     * Applies the configuration a valve asks for and records it as that valve's.
     *
     * @param valve      the valve starting (compared by identity)
     * @param configured its {@code logConfig} setting, or null
     * @throws ConfigurationException naming {@code logConfig} when the file cannot be read, or when another
     *                                running valve uses another configuration
     */
    public static synchronized void apply(Object valve, Path configured, ClassLoader classLoader) {
        Path file = configured != null ? configured : defaultFile();
        if (file != null && !Files.isReadable(file)) {
            throw new ConfigurationException(Setting.LOG_CONFIG.attribute(), "cannot read " + file + ".");
        }
        URI wanted = file != null ? file.toAbsolutePath().normalize().toUri() : builtIn();
        for (Map.Entry<Object, URI> other : IN_FORCE.entrySet()) {
            if (other.getKey() != valve && !other.getValue().equals(wanted)) {
                throw new ConfigurationException(Setting.LOG_CONFIG.attribute(), "this valve would log with " + describe(wanted)
                        + ", but a Portcullis valve already running in this Tomcat logs with " + describe(other.getValue())
                        + ", and all Portcullis valves share one Log4j configuration: give them the same logConfig.");
            }
        }
        LoggerContext context = (LoggerContext) LogManager.getContext(classLoader, false);
        // A file is read again at every start of a valve (an operator's edit takes effect when the valve restarts),
        // except the first time after the preparation thread has just read that same file.
        boolean justPrepared = wanted.equals(prepared) && wanted.equals(context.getConfigLocation());
        prepared = null;
        if (file != null ? !justPrepared : !wanted.equals(context.getConfigLocation())) {
            context.setConfigLocation(wanted);
        }
        IN_FORCE.put(valve, wanted);
    }

    /** The valve has stopped: its configuration no longer binds the others (the context keeps it until then). */
    public static synchronized void release(Object valve) {
        IN_FORCE.remove(valve);
    }

    private static String describe(URI location) {
        return location.equals(builtIn()) ? "the built-in configuration (no logConfig)"
                : "file".equals(location.getScheme()) ? Path.of(location).toString() : location.toString();
    }
}
