package dev.portcullis.engine;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import jakarta.servlet.ServletException;

import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.pac4j.core.client.Clients;
import org.pac4j.core.config.Config;
import org.pac4j.core.engine.DefaultCallbackLogic;
import org.pac4j.core.engine.DefaultLogoutLogic;
import org.pac4j.core.engine.DefaultSecurityLogic;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.profile.UserProfile;
import org.pac4j.core.profile.factory.ProfileManagerFactory;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.audit.CorrelationIds;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SpCredentials;
import dev.portcullis.pac4j.CacheSessionStore;
import dev.portcullis.pac4j.LoginFailures;
import dev.portcullis.pac4j.PortcullisSecurityLogic;
import dev.portcullis.pac4j.StepUp;
import dev.portcullis.pac4j.PendingLoginRedirects;
import dev.portcullis.pac4j.ProtectedPathMatcher;
import dev.portcullis.pac4j.SamlClient;
import dev.portcullis.pac4j.SamlLogoutActionBuilder;
import dev.portcullis.pac4j.SamlProfile;
import dev.portcullis.pac4j.SamlProfileCreator;
import dev.portcullis.pac4j.SamlRedirectionActionBuilder;
import dev.portcullis.pac4j.SamlResponseAuthenticator;
import dev.portcullis.pac4j.SamlResponseExtractor;
import dev.portcullis.pac4j.ValveParameters;
import dev.portcullis.pac4j.ValveWebContext;
import dev.portcullis.saml.AuthnRequestOptions;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataFetcher;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.saml.SpMetadataWriter;
import dev.portcullis.session.Caches;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.session.StateUnavailableException;
import dev.portcullis.tomcat.WebappSessions;
import dev.portcullis.web.IdentityBinder;
import dev.portcullis.web.IdentityHeaders;
import dev.portcullis.web.ResponseWriter;

/**
 * Everything one valve runs on, built from its settings when it starts and closed when it stops:
 * the IdP trust and SAML components, the caches, and the pac4j configuration that drives the flow.
 *
 * <p>Request flow, in one direction: {@link #handle} routes a request to Portcullis's own endpoints
 * (ACS: pac4j's callback logic; metadata), lets excluded paths through untouched, and hands
 * everything else to pac4j's security logic, whose matcher, session store, client and authorizer
 * are Portcullis's. When access is granted, the identity is bound to the request and the next valve
 * runs. Every response Portcullis writes itself goes through {@link ResponseWriter}.
 *
 * <p>When a cache's store does not answer (a clustered tier whose Terracotta server is unreachable),
 * the request that needed it is answered with 503 and a reference, the first such request of an outage
 * logged in one line under its reference and the others summarized ({@link #unavailable},
 * {@link dev.portcullis.session.OutageLog}): no session is created, kept or ended on a guess. Requests
 * that need no state (excluded and unprotected paths, the metadata) are served as usual.
 */
public final class SsoEngine implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(SsoEngine.class);

    private static final String AUTHORIZERS = "isAuthenticated";

    private final Settings settings;
    private final Caches caches;
    private final Config config;
    private final ProtectedPathMatcher paths;
    private final IdentityBinder identity;
    private final ResponseWriter writer;
    private final String spMetadata;
    private final String endpointPrefix;
    private final String acsEndpoint;
    private final String metadataEndpoint;
    private final CorrelationIds correlationIds;
    private final IdpTrust trust;
    private final String authorizers;
    private final IdentityHeaders headers;
    private final StartupChecks origins;
    private final LogoutEndpoints logout;
    private final SessionRepository sessions;
    private final WebappSessions webappSessions;
    private final CacheSessionStore store;
    private final StepUp stepUp;
    private final String logoutEndpoint;
    private final String sloEndpoint;
    private final String signedOutEndpoint;

    private SsoEngine(Settings settings, Caches caches, Config config, ProtectedPathMatcher paths, String spMetadata,
                      CorrelationIds correlationIds, IdpTrust trust, String authorizers, LogoutEndpoints logout,
                      SessionRepository sessions, WebappSessions webappSessions, CacheSessionStore store, StepUp stepUp) {
        this.settings = settings;
        this.caches = caches;
        this.config = config;
        this.paths = paths;
        this.identity = new IdentityBinder(settings.exposeAttributes());
        this.writer = (ResponseWriter) config.getHttpActionAdapter();
        this.spMetadata = spMetadata;
        this.endpointPrefix = settings.endpointBase().substring(settings.contextPath().length());
        this.acsEndpoint = endpointPrefix + "/acs";
        this.metadataEndpoint = endpointPrefix + "/metadata";
        this.correlationIds = correlationIds;
        this.trust = trust;
        this.authorizers = authorizers;
        this.headers = settings.identityHeaders();
        this.origins = new StartupChecks(settings.externalUrl());
        this.logout = logout;
        this.sessions = sessions;
        this.webappSessions = webappSessions;
        this.store = store;
        this.stepUp = stepUp;
        this.logoutEndpoint = endpointPrefix + "/logout";
        this.sloEndpoint = endpointPrefix + "/slo";
        this.signedOutEndpoint = endpointPrefix + "/signed-out";
    }

    /**
     * Builds and starts everything.
     *
     * @throws ConfigurationException naming the setting at fault; nothing is left running
     */
    public static SsoEngine start(Settings settings, Clock clock, ClassLoader classLoader, org.apache.catalina.Container container) {
        SecureXml xml = new SecureXml();
        SecureRandom random = new SecureRandom();
        SessionIds ids = new SessionIds(random);
        AuditLog audit = new AuditLog();
        CorrelationIds correlationIds = new CorrelationIds(random);
        LoginFailures failures = new LoginFailures(audit, correlationIds);
        if (settings.allowRsa15KeyTransport()) {
            LOG.warn("allowRsa15KeyTransport=true: encrypted assertions may use RSA PKCS#1 v1.5 key transport, which is"
                    + " open to padding-oracle attacks. Switch the IdP to RSA-OAEP and remove the setting.");
        }

        Caches caches = Caches.start(settings.ehcacheConfig().orElse(null), clock, settings.sessionIdleTimeout(), classLoader);
        IdpTrust trust = null;
        try {
            SessionRepository sessions = new SessionRepository(caches.sessions(),
                    new dev.portcullis.session.SessionIndex(caches.sessionIndex(), clock), ids, clock,
                    settings.sessionIdleTimeout());
            CacheReplayCache replay = new CacheReplayCache(caches.replay(), clock);
            RelayStates relayStates = new RelayStates(RelayStates.keyFrom(
                    settings.spCredentials().map(SpCredentials::privateKey).orElse(null), random),
                    random, clock, settings.loginRequestTimeout(), replay);
            PendingLoginStore pending = new PendingLoginStore(caches.pendingLogins(), relayStates);
            if (settings.spCredentials().isEmpty()) {
                LOG.info("No SP key: sign-ins are proven with a key made at this start, so one must finish on the node"
                        + " (and within the run) where it began.");
            }
            ServiceProviderFactory factory = new ServiceProviderFactory(settings, xml, clock, replay);
            trust = IdpTrust.start(settings.idpMetadataLocation(), settings.idpEntityId().orElse(null),
                    settings.idpMetadataBackup().orElse(null), settings.idpMetadataRefreshInterval(), clock,
                    new MetadataFetcher(Duration.ofSeconds(10)), new IdpMetadataParser(xml),
                    settings.idpMetadataSigningCertificate().orElse(null), factory::create);
            IdpMetadata idp = trust.current().idp();
            if (idp.wantAuthnRequestsSigned() && !settings.signAuthnRequests()) {
                LOG.warn("The IdP {} wants signed AuthnRequests (WantAuthnRequestsSigned) but signAuthnRequests is"
                        + " false; it will probably refuse every sign-in", idp.entityId());
            }
            IdpTrust running = trust;
            Supplier<ServiceProvider> current = running::current;
            StepUp stepUp = new StepUp(new AuthnRequestOptions(settings.forceAuthn(), settings.passive(),
                    settings.requestedAuthnContext(), settings.authnContextComparison()), settings.stepUpPaths(),
                    new AuthnRequestOptions(settings.forceAuthn() || settings.stepUpForceAuthn(), false,
                            settings.stepUpAuthnContext(), settings.authnContextComparison()));

            WebappSessions webappSessions = new WebappSessions(container, settings.invalidateWebappSessions());
            SamlClient client = new SamlClient(settings.acsUrl(),
                    new SamlRedirectionActionBuilder(current, pending, settings.defaultLandingPath(), clock, stepUp),
                    new SamlResponseExtractor(settings.maxResponseSize(), failures, current),
                    new SamlResponseAuthenticator(current, pending, settings.allowUnsolicitedResponses(), failures, stepUp, clock),
                    new SamlProfileCreator(settings.principalAttribute().orElse(null), settings.roleMapper(),
                            settings.sessionMaxLifetime(), clock, failures),
                    new SamlLogoutActionBuilder(current, pending, clock));
            Clients clients = new Clients(settings.acsUrl(), client);

            ProtectedPathMatcher paths = new ProtectedPathMatcher(settings.protectedPaths(), settings.excludedPaths());
            CacheSessionStore store = new CacheSessionStore(sessions, new CacheSessionStore.SessionCookies(
                    settings.cookieName(), settings.cookiePath(), settings.externalUrl().secure()), audit, SamlClient.NAME,
                    webappSessions);
            PendingLoginRedirects redirects = new PendingLoginRedirects(settings.externalUrl(), settings.defaultLandingPath());

            DefaultSecurityLogic security = new PortcullisSecurityLogic(stepUp);
            security.setSavedRequestHandler(redirects);
            DefaultCallbackLogic callback = new DefaultCallbackLogic();
            callback.setSavedRequestHandler(redirects);

            Config config = new Config(clients);
            config.addMatcher(ProtectedPathMatcher.NAME, paths);
            config.addAuthorizer(StepUp.NAME, stepUp);
            config.setSecurityLogic(security);
            config.setCallbackLogic(callback);
            config.setLogoutLogic(new DefaultLogoutLogic());
            config.setWebContextFactory(parameters -> {
                ValveParameters p = (ValveParameters) parameters;
                return new ValveWebContext(p.request(), p.response(), p.path(), settings.externalUrl());
            });
            config.setSessionStoreFactory(parameters -> store);
            config.setProfileManagerFactory(ProfileManagerFactory.DEFAULT);
            config.setHttpActionAdapter(new ResponseWriter());
            clients.init();

            List<java.security.cert.X509Certificate> spCertificates = settings.decryptionCredentials().stream()
                    .map(SpCredentials::certificate).toList();
            List<java.security.cert.X509Certificate> encryptionCertificates = settings.decryptionCredentials().stream()
                    .filter(c -> "RSA".equals(c.privateKey().getAlgorithm())).map(SpCredentials::certificate).toList();
            String spMetadata = SpMetadataWriter.write(settings.spEntityId(), settings.acsUrl(),
                    settings.singleLogout() ? settings.sloUrl() : null,
                    settings.signAuthnRequests() ? spCertificates : List.of(), encryptionCertificates,
                    settings.signAuthnRequests(), settings.wantAssertionsSigned(), settings.nameIdFormat().orElse(null));

            for (SpCredentials credentials : settings.decryptionCredentials()) {
                StartupChecks.checkExpiry("SP", credentials.certificate(), clock.instant());
            }
            for (java.security.cert.X509Certificate certificate : idp.signingCertificates()) {
                StartupChecks.checkExpiry("IdP signing", certificate, clock.instant());
            }
            LOG.info("Portcullis started: SP entityID [{}], ACS [{}], IdP [{}] with {} signing key(s), sign-in via {}",
                    settings.spEntityId(), settings.acsUrl(), idp.entityId(), idp.signingCertificates().size(),
                    idp.preferredSingleSignOnService().map(e -> e.getValue()).orElse("?"));
            if (!settings.externalUrl().secure()) {
                LOG.warn("externalBaseUrl [{}] is plain http: the session cookie is not marked Secure. Use https outside"
                        + " a test setup.", settings.externalUrl());
            }
            ResponseWriter writer = (ResponseWriter) config.getHttpActionAdapter();
            LogoutEndpoints logout = new LogoutEndpoints(settings, config, store, sessions, pending, webappSessions, current,
                    audit, correlationIds, ids, writer, clock);
            return new SsoEngine(settings, caches, config, paths, spMetadata, correlationIds, trust,
                    stepUp.enabled() ? AUTHORIZERS + "," + StepUp.NAME : AUTHORIZERS, logout, sessions, webappSessions, store,
                    stepUp);
        } catch (RuntimeException e) {
            if (trust != null) {
                trust.close();
            }
            caches.close();
            throw e;
        }
    }

    /** Handles one request; see the class description for the flow. */
    public void handle(Request request, Response response, Valve next) throws IOException, ServletException {
        // Before anything else, on every request: a client can never supply an identity header itself.
        headers.strip(request);
        String path = scopedPath(request);
        if (path.startsWith(endpointPrefix) && (path.length() == endpointPrefix.length()
                || path.charAt(endpointPrefix.length()) == '/')) {
            endpoint(path, request, response);
            return;
        }
        if (!paths.applies(path)) {
            next.invoke(request, response);
            return;
        }
        CacheSessionStore.Current current;
        try {
            current = store.current(request, response);
        } catch (StateUnavailableException e) {
            unavailable(request, response, e);
            return;
        }
        if (current.session() != null && !stepUp.needed(path, current.session())) {
            // What pac4j's security logic grants a valid session on a protected path (isAuthenticated, and
            // StepUp satisfied), without building its machinery on every request of every signed-in user.
            granted(request, response, next, current);
            return;
        }
        // Everything else (no session, an ended one, a step-up to ask for) goes through pac4j, which finds
        // the same lookup on the request.
        ValveParameters parameters = new ValveParameters(request, response, path);
        Throwable[] failure = new Throwable[1];
        try {
            config.getSecurityLogic().perform(config, (context, sessionStore, profiles) -> {
                SamlProfile profile = first(profiles);
                if (profile == null) {
                    // pac4j grants requests its matcher does not cover; ours covers exactly the protected paths.
                    throw new IllegalStateException("access granted without a profile on a protected path");
                }
                identity.bind(request, profile.session());
                headers.add(request, profile.session());
                try {
                    next.invoke(request, response);
                } catch (IOException | ServletException e) {
                    failure[0] = e;
                }
                rememberWebappSession(request, store.current(request, response));
                return null;
            }, SamlClient.NAME, authorizers, ProtectedPathMatcher.NAME, parameters);
        } catch (HttpAction action) {
            writer.write(action, response);
        } catch (RuntimeException e) {
            unexpected(request, response, e);
        }
        rethrow(failure[0]);
    }

    private void endpoint(String path, Request request, Response response) throws IOException {
        origins.checkOrigin(request);
        if (path.equals(acsEndpoint)) {
            try {
                config.getCallbackLogic().perform(config, settings.defaultLandingPath(), Boolean.TRUE, SamlClient.NAME,
                        new ValveParameters(request, response, path));
            } catch (HttpAction action) {
                writer.write(action, response);
            } catch (RuntimeException e) {
                unexpected(request, response, e);
            }
        } else if (path.equals(logoutEndpoint)) {
            guarded(request, response, () -> logout.logout(request, response, path));
        } else if (path.equals(sloEndpoint)) {
            guarded(request, response, () -> logout.singleLogout(request, response, path));
        } else if (path.equals(signedOutEndpoint)) {
            logout.signedOut(request, response);
        } else if (path.equals(metadataEndpoint)) {
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                response.setHeader("Allow", "GET, HEAD");
                writer.page(response, 405, "Method not allowed", "The metadata endpoint answers GET only.");
                return;
            }
            writer.document(response, "application/samlmetadata+xml", spMetadata);
        } else {
            writer.page(response, 404, "Not found", "There is no Portcullis endpoint at this address.");
        }
    }

    @FunctionalInterface
    private interface Endpoint {
        void run() throws IOException;
    }

    private void guarded(Request request, Response response, Endpoint endpoint) throws IOException {
        try {
            endpoint.run();
        } catch (RuntimeException e) {
            unexpected(request, response, e);
        }
    }

    private void granted(Request request, Response response, Valve next, CacheSessionStore.Current current)
            throws IOException, ServletException {
        identity.bind(request, current.session());
        headers.add(request, current.session());
        try {
            next.invoke(request, response);
        } finally {
            rememberWebappSession(request, current);
        }
    }

    /**
     * Notes the webapp's own HttpSession under the Portcullis session, once, so that logout can end it.
     * Costs nothing on requests whose webapp session is already known or absent.
     */
    private void rememberWebappSession(Request request, CacheSessionStore.Current current) {
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

    /**
     * A cache's store failed (see {@link StateUnavailableException}): a 503 page with a new correlation id
     * instead of whatever was under way, and the refusal reported to the outage log (the first of an outage
     * in one line naming the cause under that id, the others counted). Never a session, never a stack trace.
     */
    private void unavailable(Request request, Response response, StateUnavailableException e) throws IOException {
        String correlationId = correlationIds.next();
        caches.outages().refused(request.getDecodedRequestURI(), correlationId, e);
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
        String contextPath = settings.contextPath();
        if (!contextPath.isEmpty() && uri.startsWith(contextPath)) {
            uri = uri.substring(contextPath.length());
        }
        return uri.isEmpty() ? "/" : uri;
    }

    private static SamlProfile first(Collection<UserProfile> profiles) {
        for (UserProfile profile : profiles) {
            if (profile instanceof SamlProfile saml) {
                return saml;
            }
        }
        return null;
    }

    private static void rethrow(Throwable failure) throws IOException, ServletException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof ServletException servlet) {
            throw servlet;
        }
    }

    /** The SAML side as it is now (for tests and tools). */
    public ServiceProvider serviceProvider() {
        return trust.current();
    }

    /** Reads the IdP metadata again now (for tests); returns whether it worked. */
    public boolean refreshIdpMetadata() {
        return trust.refresh();
    }

    /** Stops the metadata timer and releases the caches and everything they hold. */
    @Override
    public void close() {
        trust.close();
        caches.close();
        LOG.info("Portcullis stopped for ACS [{}]", settings.acsUrl());
    }
}
