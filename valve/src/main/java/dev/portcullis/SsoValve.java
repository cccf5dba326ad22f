package dev.portcullis;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;

import jakarta.servlet.ServletException;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.logging.log4j.LogManager;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Setting;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SettingsBuilder;
import dev.portcullis.engine.Preparation;
import dev.portcullis.engine.SsoEngine;
import dev.portcullis.logging.LogConfiguration;
import dev.portcullis.tomcat.AuthenticatorCaching;
import dev.portcullis.tomcat.JarScanExclusion;
import dev.portcullis.tomcat.OverlappedStart;
import dev.portcullis.tomcat.ProtectedWebapps;
import dev.portcullis.tomcat.TomcatEdition;

/**
 * SAML 2.0 single sign-on for every webapp behind this valve. Placed in a {@code <Host>}, one sign-in
 * covers every webapp on the Host (the main use); placed in a {@code <Context>}, it protects that
 * webapp alone. Webapps need no change: they see the user through {@code getRemoteUser()},
 * {@code getUserPrincipal()}, {@code isUserInRole()} and their own {@code <security-constraint>}s.
 *
 * <pre>{@code
 * <Host name="localhost" appBase="webapps">
 *   <Valve className="dev.portcullis.SsoValve"
 *          externalBaseUrl="https://apps.example.com"
 *          idpMetadata="https://idp.example.com/metadata.xml"
 *          spKeystore="${catalina.base}/conf/portcullis-sp.p12"
 *          spKeystorePassword="${portcullis.keystore.password}"
 *          roleAttributes="groups"
 *          excludedPaths="/public/*, *.css"/>
 * </Host>
 * }</pre>
 *
 * <p>Every attribute is a {@link Setting}: its name, default and meaning are listed there and in the
 * README. Tomcat hands each attribute to {@link #setProperty}: its digester
 * ({@code IntrospectionUtils.setProperty}) looks for a setter named after the attribute and, finding
 * none, calls {@code setProperty(name, value)}, so the valve needs no setter per setting. Values are
 * parsed when Tomcat sets them; an unknown attribute or a bad value is reported when the valve starts,
 * in one sentence naming the attribute, and the valve then refuses to start, which stops its Host or
 * Context: a misconfigured valve never serves a protected webapp unprotected.
 *
 * <p>JMX: Tomcat registers every valve as an MBean ({@code LifecycleMBeanBase}); with no
 * {@code mbeans-descriptors.xml} for this package it builds the MBean by introspecting the class, which
 * needs nothing from it, so the valve registers with {@code ValveBase}'s attributes (state, async
 * support) and {@code setProperty} as an operation, the reach the former setters gave JMX. What
 * operators read and pull (counters, IdP metadata state, settings in force, ending sessions) is the
 * engine's own MBean, {@code dev.portcullis:type=SsoValve,host=...}, registered while the engine runs
 * ({@link dev.portcullis.engine.OperationsMXBean}).
 *
 * <p>The valve itself is thin: {@link #startInternal()} builds an {@link SsoEngine} from the settings (on a
 * thread of its own, finished before its Host's start ends: {@link OverlappedStart}), {@link #invoke} hands
 * each request to it, {@link #stopInternal()} closes it.
 */
public class SsoValve extends ValveBase {

    private final SettingsBuilder settings = new SettingsBuilder();
    /** How long a request that arrives while the engine is being built waits for it before it gets 503. */
    private static final Duration REQUEST_WAIT_FOR_START = Duration.ofSeconds(30);

    private volatile SsoEngine engine;
    /** The build under way, from startInternal until the end of the container's start (or the valve's stop). */
    private volatile OverlappedStart<Built> starting;
    private volatile String startFailure;
    private AuthenticatorCaching authenticators;
    private ProtectedWebapps webapps;
    private Clock clock = Clock.systemUTC();

    public SsoValve() {
        super(true);
        // In the wrong Tomcat (this JAR's Servlet API missing), one sentence naming the right JAR, before Tomcat
        // stops on a NoClassDefFoundError while it introspects this class.
        TomcatEdition.check(SsoValve.class.getClassLoader());
        // Tomcat creates a valve while it reads server.xml, long before it starts it: Log4j's set-up and the
        // loading of the libraries every start needs run meanwhile, on a thread of their own (once per class
        // loader). Until logging is ready nothing here logs, and startInternal waits for it.
        Preparation.begin();
    }

    @Override
    public void setContainer(Container container) {
        super.setContainer(container);
        // Tomcat sets the container while it reads server.xml or context.xml, before any webapp there scans its JARs.
        JarScanExclusion.register(container);
    }

    /**
     * Tomcat calls this for every {@code <Valve>} attribute (there are no setters of their own), and so
     * may a test or an embedding program. An attribute that is no {@link Setting} is a mistake (most
     * likely a typo of a real setting) and stops the valve at start.
     */
    public void setProperty(String name, String value) {
        settings.set(name, value);
    }

    /** The text a setting was given, or its default; secrets masked. For tests in this package. */
    String settingText(Setting setting) {
        return settings.get(setting);
    }

    /** For tests: the clock every time check reads. */
    void setClock(Clock clock) {
        this.clock = clock;
    }

    /**
     * Starts the valve. Watching the webapps' authenticators begins here, before any webapp starts; the
     * engine (settings, logging, caches, IdP metadata, pac4j) is built on a thread of its own
     * ({@link OverlappedStart}), so that Tomcat deploys the Host's webapps meanwhile, and the Host's start
     * waits for it at its end, before Tomcat starts any Connector. A build that fails fails the Host's start
     * with the same sentence as before. A valve whose container is not starting (started on its own, or
     * added to a running Host) waits for the build here.
     */
    @Override
    protected void startInternal() throws LifecycleException {
        Container container = getContainer();
        String contextPath = container instanceof Context context ? context.getPath() : "";
        authenticators = AuthenticatorCaching.watch(container);
        OverlappedStart<Built> start = OverlappedStart.begin("portcullis-start", () -> build(contextPath, container));
        starting = start;
        if (OverlappedStart.deferrable(container)) {
            start.finishAt(container, () -> {
                try {
                    finishStart(start, container, true);
                } catch (LifecycleException e) {
                    // Thrown from the container's AFTER_START: Tomcat marks the container FAILED with this as the cause.
                    throw new IllegalStateException(e.getMessage(), e);
                }
            });
        } else {
            finishStart(start, container, false);
        }
        super.startInternal();
    }

    /** What the start thread builds: the settings in force and the engine they made. */
    private record Built(Settings settings, SsoEngine engine) {
    }

    /** Portcullis's logging could not be set up (Preparation.awaitLogging); carries its sentence and cause. */
    private static final class NoLogging extends RuntimeException {
        NoLogging(IllegalStateException e) {
            super(e.getMessage(), e.getCause());
        }
    }

    /** On the start thread: what startInternal did on Tomcat's thread before, in the same order. */
    private Built build(String contextPath, Container container) {
        try {
            Preparation.awaitLogging();
        } catch (IllegalStateException e) {
            throw new NoLogging(e);
        }
        try {
            Settings built = settings.build(contextPath);
            LogConfiguration.apply(this, built.logConfig().orElse(null), SsoValve.class.getClassLoader());
            return new Built(built, SsoEngine.start(built, clock, SsoValve.class.getClassLoader(), container));
        } catch (RuntimeException e) {
            LogConfiguration.release(this);
            throw e;
        }
    }

    /**
     * Waits for the build; then the valve serves, or, when the build failed, it refuses to start as it always
     * has: one sentence naming the setting, in the log and in the LifecycleException, and the valve FAILED.
     *
     * @param deferred whether this runs at the container's AFTER_START (the valve has STARTED by then)
     */
    private void finishStart(OverlappedStart<Built> start, Container container, boolean deferred) throws LifecycleException {
        if (starting != start) {
            // A start the valve has stopped since (its container failed before its AFTER_START, then started
            // again): stopInternal has closed what it built, and it decides nothing about this start.
            return;
        }
        Built built;
        try {
            built = start.join();
        } catch (ConfigurationException e) {
            refused(deferred);
            startFailure = e.getMessage();
            LogManager.getLogger(SsoValve.class).error("{} Portcullis will not start, and {} will not serve requests until this is fixed.",
                    e.getMessage(), container == null ? "its container" : container.getName());
            throw new LifecycleException(e.getMessage(), e);
        } catch (NoLogging e) {
            refused(deferred);
            throw new LifecycleException(e.getMessage(), e.getCause());
        } catch (RuntimeException | Error e) {
            refused(deferred);
            throw e;
        }
        if (starting != start) {
            // Stopped while it was being built: stopInternal has closed what was built.
            return;
        }
        starting = null;
        engine = built.engine();
        webapps = ProtectedWebapps.watch(container, built.settings().protectedPaths(), built.settings().excludedPaths(),
                built.settings().roleMapper());
    }

    /**
     * After a failed build nothing of this start keeps watching, and the valve is FAILED: Tomcat does that
     * itself when startInternal throws; at the container's AFTER_START the valve has STARTED, so it is done here.
     */
    private void refused(boolean deferred) throws LifecycleException {
        starting = null;
        if (authenticators != null) {
            authenticators.release();
            authenticators = null;
        }
        if (deferred) {
            setState(LifecycleState.FAILED);
        }
    }

    @Override
    protected void stopInternal() throws LifecycleException {
        super.stopInternal();
        if (authenticators != null) {
            authenticators.release();
            authenticators = null;
        }
        if (webapps != null) {
            webapps.release();
            webapps = null;
        }
        OverlappedStart<Built> unfinished = starting;
        starting = null;
        if (unfinished != null) {
            // Its container stopped before the end of its start: what was built is closed here.
            try {
                unfinished.join().engine().close();
            } catch (RuntimeException e) {
                // A build that failed leaves nothing running (EngineAssembly closes what it made).
            }
        }
        SsoEngine running = engine;
        engine = null;
        if (running != null) {
            running.close();
        }
        LogConfiguration.release(this);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        SsoEngine running = engine;
        if (running == null) {
            OverlappedStart<Built> start = starting;
            // Still starting (only a Context or Host started while Tomcat runs can be routed to before the end of its
            // container's start): wait a little for the engine, never let the request through without it.
            Built built = start == null ? null : start.ready(REQUEST_WAIT_FOR_START);
            running = built == null ? null : built.engine();
        }
        if (running == null) {
            // Not started (or stopping, or its start failed): refuse rather than let the request through unprotected.
            response.sendError(503);
            return;
        }
        running.handle(request, response, getNext());
    }

    /** Why the last start failed, or null; for tests in this package. */
    String startFailure() {
        return startFailure;
    }

    /** The running engine, for tests in this package. */
    SsoEngine engine() {
        return engine;
    }
}
