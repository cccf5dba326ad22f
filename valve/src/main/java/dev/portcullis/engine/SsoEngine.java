package dev.portcullis.engine;

import java.io.IOException;
import java.time.Clock;

import jakarta.servlet.ServletException;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.pac4j.core.config.Config;
import org.pac4j.core.engine.SecurityGrantedAccessAdapter;

import dev.portcullis.audit.Counters;
import dev.portcullis.audit.CorrelationIds;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.pac4j.CacheSessionStore;
import dev.portcullis.pac4j.ProtectedPathMatcher;
import dev.portcullis.pac4j.RequestState;
import dev.portcullis.pac4j.SamlClient;
import dev.portcullis.pac4j.StepUp;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.session.StateUnavailableException;
import dev.portcullis.tomcat.WebappSessions;
import dev.portcullis.web.IdentityBinder;
import dev.portcullis.web.ResponseWriter;

/**
 * The running engine of one valve: routes each request and lets it in, or not. Built and started by
 * {@link EngineAssembly} from the settings, closed when the valve stops.
 *
 * <p>{@link #handle} is the whole request path, in one direction:
 * <ol>
 *   <li>identity headers a client sent are removed, on every request;</li>
 *   <li>Portcullis's own endpoints ({@link Endpoints}: ACS, Single Logout, metadata, logout) answer
 *       their paths themselves;</li>
 *   <li>a path that is not protected (or is excluded) goes on to the webapp untouched: no identity, no
 *       cache lookup;</li>
 *   <li>a protected path with a session that satisfies it (not ended; the step-up class when the path
 *       needs one) is let in by {@link #grant}, the only place that ever lets a request in with an
 *       identity;</li>
 *   <li>anything else goes to pac4j's security logic ({@link dev.portcullis.pac4j.PortcullisSecurityLogic}),
 *       which starts a sign-in, or a step-up, or answers a script with 401. It is given an access
 *       adapter that refuses: with Portcullis's matcher, session store and authorizers it can grant only
 *       what step 4 grants already, so if it ever tried, that would be a bug, answered with 500.</li>
 * </ol>
 *
 * <p>When a cache's store does not answer (a clustered tier whose Terracotta server is unreachable),
 * the request that needed it is answered with 503 and a reference, the first such request of an outage
 * logged in one line under its reference and the others summarized ({@link #unavailable},
 * {@link dev.portcullis.session.OutageLog}): no session is created, kept or ended on a guess. Requests
 * that need no state (excluded and unprotected paths, the metadata) are served as usual. Every
 * response Portcullis writes itself goes through {@link ResponseWriter}.
 */
public final class SsoEngine implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(SsoEngine.class);

    /**
     * pac4j's security logic is only ever asked to start a sign-in (step 5 above): it never grants.
     * A RuntimeException thrown here leaves pac4j unchanged and ends in {@link #unexpected}.
     */
    private static final SecurityGrantedAccessAdapter NEVER_GRANTS = (context, sessionStore, profiles) -> {
        throw new IllegalStateException("pac4j's security logic granted access, which only SsoEngine.grant may do");
    };

    private final String contextPath;
    private final Endpoints endpoints;
    private final ProtectedPathMatcher paths;
    private final CacheSessionStore store;
    private final StepUp stepUp;
    private final IdentityBinder identity;
    private final WebappSessionNotes webappSessions;
    private final Config pac4j;
    private final String authorizers;
    private final ResponseWriter writer;
    private final CorrelationIds correlationIds;
    private final EngineAssembly.Resources resources;
    private final Counters counters;
    private final String clientName;

    SsoEngine(String contextPath, Endpoints endpoints, ProtectedPathMatcher paths, CacheSessionStore store,
              StepUp stepUp, IdentityBinder identity, WebappSessionNotes webappSessions, Config pac4j,
              ResponseWriter writer, CorrelationIds correlationIds, EngineAssembly.Resources resources, Counters counters,
              String clientName) {
        this.counters = counters;
        this.clientName = clientName;
        this.contextPath = contextPath;
        this.endpoints = endpoints;
        this.paths = paths;
        this.store = store;
        this.stepUp = stepUp;
        this.identity = identity;
        this.webappSessions = webappSessions;
        this.pac4j = pac4j;
        this.authorizers = stepUp.enabled() ? EngineAssembly.AUTHORIZERS + "," + StepUp.NAME : EngineAssembly.AUTHORIZERS;
        this.writer = writer;
        this.correlationIds = correlationIds;
        this.resources = resources;
    }

    /**
     * Builds and starts everything ({@link EngineAssembly}).
     *
     * @param container the valve's Host or Context
     * @throws ConfigurationException naming the setting at fault; nothing is left running
     */
    public static SsoEngine start(Settings settings, Clock clock, ClassLoader classLoader, Container container) {
        return EngineAssembly.start(settings, clock, classLoader, container);
    }

    /** Handles one request; see the class description for the steps. */
    public void handle(Request request, Response response, Valve next) throws IOException, ServletException {
        // 1. Before anything else, on every request: a client can never supply an identity header itself.
        identity.strip(request);
        String path = scopedPath(request);
        // 2. Portcullis's own endpoints.
        Endpoints.Endpoint endpoint = endpoints.find(path);
        if (endpoint != null) {
            try {
                endpoint.serve(request, response, path);
            } catch (RuntimeException e) {
                unexpected(request, response, e);
            }
            return;
        }
        // 3. Not protected: on to the webapp, as if Portcullis were not there.
        if (!paths.applies(path)) {
            next.invoke(request, response);
            return;
        }
        RequestState state = new RequestState(request, response, path);
        CacheSessionStore.Current current;
        try {
            current = store.current(state);
        } catch (StateUnavailableException e) {
            unavailable(request, response, e);
            return;
        }
        // 4. A session that satisfies this path: the one way in.
        if (current.session() != null && !stepUp.needed(path, current.session())) {
            grant(request, response, next, current);
            return;
        }
        // 5. No session, an ended one, or a step-up to ask for: pac4j starts the sign-in (or answers 401). Its
        // answer is an action that pac4j itself hands to ActionAdapter: in pac4j 6.3.1 every logic catches what
        // its steps throw (AbstractExceptionAwareLogic.handleException) and adapts an HttpAction, so none
        // reaches this method; anything else it throws is ours to answer.
        try {
            pac4j.getSecurityLogic().perform(pac4j, NEVER_GRANTS, clientName, authorizers, ProtectedPathMatcher.NAME,
                    state);
        } catch (RuntimeException e) {
            unexpected(request, response, e);
        }
    }

    /**
     * Lets a request in as the session's user: the principal, roles and identity headers on the request,
     * then the rest of the pipeline; afterwards the webapp session it used is noted for logout. The
     * only caller of the next valve with an identity ({@code OneWayInTest} keeps it so).
     */
    private void grant(Request request, Response response, Valve next, CacheSessionStore.Current current)
            throws IOException, ServletException {
        identity.bind(request, current.session());
        try {
            next.invoke(request, response);
        } finally {
            webappSessions.remember(request, current);
        }
    }

    /**
     * A cache's store failed (see {@link StateUnavailableException}): a 503 page with a new correlation id
     * instead of whatever was under way, and the refusal reported to the outage log (the first of an outage
     * in one line naming the cause under that id, the others counted). Never a session, never a stack trace.
     */
    private void unavailable(Request request, Response response, StateUnavailableException e) throws IOException {
        String correlationId = correlationIds.next();
        counters.stateStoreUnavailable();
        resources.caches().outages().refused(request.getDecodedRequestURI(), correlationId, e);
        if (!response.isCommitted()) {
            response.reset();
            writer.unavailable(response, correlationId);
        }
    }

    private void unexpected(Request request, Response response, RuntimeException e) throws IOException {
        StateUnavailableException state = StateUnavailableException.in(e);
        if (state != null) {
            unavailable(request, response, state);
            return;
        }
        String correlationId = correlationIds.next();
        LOG.error("Unexpected failure handling a request for [{}], correlation [{}]", request.getDecodedRequestURI(),
                correlationId, e);
        if (!response.isCommitted()) {
            response.reset();
            writer.page(response, 500, "Something went wrong",
                    "Portcullis could not complete this request. Reference: " + correlationId);
        }
    }

    /** The normalized, decoded path the mapper used, below the context path at Context level. */
    private String scopedPath(Request request) {
        String uri = request.getDecodedRequestURI();
        if (!contextPath.isEmpty() && uri.startsWith(contextPath)) {
            uri = uri.substring(contextPath.length());
        }
        return uri.isEmpty() ? "/" : uri;
    }

    /** The SAML side as it is now (for tests and tools). */
    public ServiceProvider serviceProvider() {
        if (resources.trust() == null) {
            throw new IllegalStateException("protocol=oidc: there is no SAML service provider");
        }
        return resources.trust().current();
    }

    /** The valve's MBean (for tests and tools in the JVM). */
    public OperationsMXBean operations() {
        return resources.operations();
    }

    /** Reads the IdP metadata again now (for tests); returns whether it worked. */
    public boolean refreshIdpMetadata() {
        return resources.trust() != null && resources.trust().refresh();
    }

    /** Stops the metadata timer and releases the caches and everything they hold. */
    @Override
    public void close() {
        resources.close();
    }

    /**
     * Notes the webapp's own HttpSession under the Portcullis session, once, so that logout can end it.
     * Costs nothing on requests whose webapp session is already known or absent.
     */
    record WebappSessionNotes(WebappSessions webappSessions, SessionRepository sessions) {

        void remember(Request request, CacheSessionStore.Current current) {
            String used = webappSessions.used(request);
            if (used != null && current.id() != null && !current.session().webappSessions().contains(used)) {
                try {
                    sessions.rememberWebappSession(current.id(), current.session(), used);
                } catch (StateUnavailableException e) {
                    // The webapp has already done its work and answered: replacing its answer now would invite the
                    // user to repeat it. Only the note is lost; logout (which needs the store too) cannot run meanwhile.
                    LOG.warn("The state store did not answer; the webapp session of a request for [{}] is not noted for"
                            + " logout: {}", request.getDecodedRequestURI(), e.getMessage());
                }
            }
        }
    }
}
