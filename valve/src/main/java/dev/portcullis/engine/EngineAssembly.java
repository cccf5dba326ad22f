package dev.portcullis.engine;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.apache.catalina.Container;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.pac4j.core.client.Clients;
import org.pac4j.core.client.IndirectClient;
import org.pac4j.core.config.Config;
import org.pac4j.core.engine.DefaultCallbackLogic;
import org.pac4j.core.engine.DefaultLogoutLogic;
import org.pac4j.core.engine.DefaultSecurityLogic;
import org.pac4j.core.profile.factory.ProfileManagerFactory;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.audit.CorrelationIds;
import dev.portcullis.config.AuthnRequestSigning;
import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.EndpointPaths;
import dev.portcullis.config.Setting;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SpCredentials;
import dev.portcullis.pac4j.ActionAdapter;
import dev.portcullis.pac4j.CacheSessionStore;
import dev.portcullis.pac4j.LoginFailures;
import dev.portcullis.pac4j.PendingLoginRedirects;
import dev.portcullis.pac4j.PortcullisSecurityLogic;
import dev.portcullis.pac4j.ProtectedPathMatcher;
import dev.portcullis.pac4j.RoleReport;
import dev.portcullis.pac4j.RequestState;
import dev.portcullis.pac4j.SamlClient;
import dev.portcullis.pac4j.SamlLogoutActionBuilder;
import dev.portcullis.pac4j.SamlProfileCreator;
import dev.portcullis.pac4j.SamlRedirectionActionBuilder;
import dev.portcullis.pac4j.SamlResponseAuthenticator;
import dev.portcullis.pac4j.SamlResponseExtractor;
import dev.portcullis.pac4j.StepUp;
import dev.portcullis.pac4j.ValveWebContext;
import dev.portcullis.saml.AuthnRequestOptions;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataFetcher;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.saml.SpMetadataWriter;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.CacheSetupException;
import dev.portcullis.session.Caches;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SessionIndex;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.pac4j.SignInLimiter;
import dev.portcullis.tomcat.WebappSessions;
import dev.portcullis.web.IdentityBinder;
import dev.portcullis.web.IdentityHeaders;
import dev.portcullis.web.ResponseWriter;

/**
 * Builds and starts an {@link SsoEngine} from a valve's settings, in the order the parts depend on
 * each other: the state (caches and what lives in them), the IdP trust, the pac4j client and
 * configuration, the endpoints. Each step is one method; the engine only routes. Whatever fails is
 * reported as a {@link ConfigurationException} naming the setting, and nothing is left running.
 */
final class EngineAssembly {

    private static final Logger LOG = LogManager.getLogger(SsoEngine.class);

    /** pac4j's authorizer for "has a session"; StepUp is added when stepUpPaths is set. */
    static final String AUTHORIZERS = "isAuthenticated";

    private final Settings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final SecureXml xml = new SecureXml();
    private final SessionIds ids = new SessionIds(random);
    private final AuditLog audit = new AuditLog();
    private final CorrelationIds correlationIds = new CorrelationIds(random);
    private final ResponseWriter writer = new ResponseWriter();

    private EngineAssembly(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Builds and starts everything.
     *
     * @param container the valve's Host or Context, whose webapps' sessions logout ends
     * @throws ConfigurationException naming the setting at fault; nothing is left running
     */
    static SsoEngine start(Settings settings, Clock clock, ClassLoader classLoader, Container container) {
        return new EngineAssembly(settings, clock).assemble(classLoader, container);
    }

    private SsoEngine assemble(ClassLoader classLoader, Container container) {
        // Before anything starts: a protocol whose add-on JAR is missing stops the valve with one sentence.
        Protocol protocol = settings.oidc() ? protocol(settings.protocol(), Protocol.class.getClassLoader()) : null;
        warnAboutRisks();
        Caches caches = caches(classLoader);
        IdpTrust trust = null;
        Protocol.Side side = null;
        try {
            State state = state(caches);
            StepUp stepUp = stepUp();
            WebappSessions webappSessions = new WebappSessions(container, settings.invalidateWebappSessions());
            Supplier<ServiceProvider> current = null;
            IndirectClient client;
            if (protocol == null) {
                trust = trust(state.replay());
                current = trust::current;
                client = client(current, state.pending(), stepUp);
            } else {
                side = protocol.start(new ProtocolContext(settings, clock, state.sessions(), state.replay(), state.pending(),
                        stepUp, new SignInLimiter(settings.signInRateLimit(), clock, audit), new LoginFailures(audit,
                        correlationIds), new RoleReport(audit), audit, correlationIds, webappSessions, writer));
                client = side.client();
            }
            String clientName = client.getName();
            CacheSessionStore store = new CacheSessionStore(state.sessions(), new CacheSessionStore.SessionCookies(
                    settings.cookieName(), settings.cookiePath(), settings.externalUrl().secure()), audit, clientName,
                    webappSessions);
            ProtectedPathMatcher paths = new ProtectedPathMatcher(settings.protectedPaths(), settings.excludedPaths());
            Config pac4j = pac4j(client, paths, stepUp, store);
            Operations operations = new Operations(audit, trust, side == null ? null : side.providerId(),
                    side == null ? SamlClient.refusalCodes() : side.refusalCodes(), caches, state.replay(),
                    state.sessions(), webappSessions, settings, clock);

            Protocol.Side started = side;
            IdpTrust saml = trust;
            LogoutEndpoints logout = new LogoutEndpoints(settings, pac4j, store, state.sessions(), state.pending(),
                    webappSessions, current, side == null ? () -> saml.current().offersSingleLogout()
                    : started::offersCentralLogout, audit, correlationIds, ids, writer, clock);
            EndpointPaths at = settings.endpointPaths();
            StartupChecks origins = new StartupChecks(settings.externalUrl());
            Endpoints endpoints = new Endpoints(at.prefix(), origins, writer);
            AcsEndpoint callback = new AcsEndpoint(pac4j, settings.defaultLandingPath(), clientName);
            if (side == null) {
                endpoints.add(at.acs(), callback::serve)
                        .add(at.slo(), logout::singleLogout)
                        .add(at.metadata(), new MetadataEndpoint(spMetadata(trust.current().signsAuthnRequests()), writer)::serve);
            } else {
                endpoints.add(at.callback(), callback::serve);
                if (side.backchannelLogout() != null) {
                    endpoints.add(at.backchannelLogout(), side.backchannelLogout()::serve);
                }
            }
            endpoints.add(at.logout(), logout::logout)
                    .add(at.signedOut(), logout::signedOut)
                    .add(at.health(), new HealthEndpoint(operations, settings.healthDetailsFrom(), writer)::serve);

            if (side == null) {
                checkCertificates(trust.current().idp());
                logStarted(trust.current());
            } else {
                for (SpCredentials credentials : settings.decryptionCredentials()) {
                    StartupChecks.checkExpiry("SP", credentials.certificate(), clock.instant());
                }
                LOG.info("Portcullis started: protocol {}, redirect URI [{}], {}", protocol.name(), settings.callbackUrl(),
                        side.describe());
            }
            SsoEngine engine = new SsoEngine(settings.contextPath(), endpoints, paths, store, stepUp,
                    new IdentityBinder(settings.exposeAttributes(), new IdentityHeaders(settings.identityHeaders())),
                    new SsoEngine.WebappSessionNotes(webappSessions, state.sessions()), pac4j, writer, correlationIds,
                    new Resources(trust, side, caches, operations, side == null ? settings.acsUrl() : settings.callbackUrl()),
                    audit.counters(), clientName);
            // Last: published only once everything it reports on runs; unregistered first when it stops.
            operations.register(container);
            return engine;
        } catch (RuntimeException e) {
            if (trust != null) {
                trust.close();
            }
            if (side != null) {
                side.close();
            }
            caches.close();
            throw e;
        }
    }

    /**
     * The protocol an add-on JAR provides, looked up on the valve's own class loader (Tomcat's common loader
     * when both JARs are in lib/): a webapp's JARs are never asked.
     */
    static Protocol protocol(String name, ClassLoader loader) {
        try {
            for (Protocol candidate : java.util.ServiceLoader.load(Protocol.class, loader)) {
                if (candidate.name().equals(name)) {
                    return candidate;
                }
            }
        } catch (java.util.ServiceConfigurationError e) {
            throw new ConfigurationException(Setting.PROTOCOL.attribute(), "is \"" + name + "\" but its add-on JAR"
                    + " could not be loaded (" + e.getMessage() + "); use the portcullis-" + name + " JAR of the same"
                    + " version as the valve JAR.", e);
        }
        throw new ConfigurationException(Setting.PROTOCOL.attribute(), "is \"" + name + "\" but portcullis-" + name
                + "-VERSION.jar is not next to the valve JAR; copy it into the same folder ($CATALINA_BASE/lib), or set"
                + " protocol=\"saml\".");
    }

    private void warnAboutRisks() {
        if (settings.allowRsa15KeyTransport()) {
            LOG.warn("allowRsa15KeyTransport=true: encrypted assertions may use RSA PKCS#1 v1.5 key transport, which is"
                    + " open to padding-oracle attacks. Switch the IdP to RSA-OAEP and remove the setting.");
        }
        if (settings.spCredentials().isEmpty() && !(settings.oidc() && settings.oidcClientSecret() != null)) {
            LOG.info("No SP key: sign-ins are proven with a key made at this start, so one must finish on the node"
                    + " (and within the run) where it began.");
        }
        if (!settings.externalUrl().secure()) {
            LOG.warn("externalBaseUrl [{}] is plain http: the session cookie is not marked Secure. Use https outside"
                    + " a test setup.", settings.externalUrl());
        }
    }

    private Caches caches(ClassLoader classLoader) {
        try {
            return Caches.start(settings.ehcacheConfig().orElse(null), clock, settings.sessionIdleTimeout(), classLoader);
        } catch (CacheSetupException e) {
            throw new ConfigurationException(Setting.EHCACHE_CONFIG.attribute(), e.getMessage(), e.getCause());
        }
    }

    /** What lives in the caches: sessions, the replay cache, the RelayState handles and pending sign-ins. */
    private record State(SessionRepository sessions, CacheReplayCache replay, PendingLoginStore pending) {
    }

    private State state(Caches caches) {
        SessionRepository sessions = new SessionRepository(caches.sessions(), new SessionIndex(caches.sessionIndex(), clock),
                ids, clock, settings.sessionIdleTimeout());
        CacheReplayCache replay = new CacheReplayCache(caches.replay(), clock);
        byte[] handleKey = settings.spCredentials().isEmpty() && settings.oidc() && settings.oidcClientSecret() != null
                ? RelayStates.keyFromSecret(settings.oidcClientSecret())
                : RelayStates.keyFrom(settings.spCredentials().map(SpCredentials::privateKey).orElse(null), random);
        RelayStates relayStates = new RelayStates(handleKey, random, clock, settings.loginRequestTimeout(), replay);
        return new State(sessions, replay, new PendingLoginStore(caches.pendingLogins(), relayStates));
    }

    /** The IdP metadata, read now and refreshed on a timer, with the SAML side built from each version. */
    private IdpTrust trust(CacheReplayCache replay) {
        ServiceProviderFactory factory = new ServiceProviderFactory(settings, xml, clock, replay);
        IdpTrust trust = IdpTrust.start(settings.idpMetadataLocation(), settings.idpEntityId().orElse(null),
                settings.idpMetadataBackup().orElse(null), settings.idpMetadataRefreshInterval(), clock,
                new MetadataFetcher(Duration.ofSeconds(10)), new IdpMetadataParser(xml),
                settings.idpMetadataSigningCertificate().orElse(null),
                settings.refuseExpiredIdpCertificates() ? IdpKeyExpiry.REFUSE : IdpKeyExpiry.WARN, factory::create);
        IdpMetadata idp = trust.current().idp();
        if (idp.wantAuthnRequestsSigned() && settings.authnRequestSigning() == AuthnRequestSigning.NEVER) {
            LOG.warn("The IdP {} wants signed AuthnRequests (WantAuthnRequestsSigned) but signAuthnRequests is"
                    + " false; it will probably refuse every sign-in", idp.entityId());
        }
        return trust;
    }

    private StepUp stepUp() {
        return new StepUp(new AuthnRequestOptions(settings.forceAuthn(), settings.passive(),
                settings.requestedAuthnContext(), settings.authnContextComparison()), settings.stepUpPaths(),
                new AuthnRequestOptions(settings.forceAuthn() || settings.stepUpForceAuthn(), false,
                        settings.stepUpAuthnContext(), settings.authnContextComparison()));
    }

    /** The SAML client: AuthnRequests out; at the ACS, the Response in, validated, turned into a profile. */
    private SamlClient client(Supplier<ServiceProvider> current, PendingLoginStore pending, StepUp stepUp) {
        LoginFailures failures = new LoginFailures(audit, correlationIds);
        return new SamlClient(settings.acsUrl(),
                new SamlRedirectionActionBuilder(current, pending, settings.defaultLandingPath(), clock, stepUp,
                        new SignInLimiter(settings.signInRateLimit(), clock, audit)),
                new SamlResponseExtractor(settings.maxResponseSize(), failures, current),
                new SamlResponseAuthenticator(current, pending, settings.allowUnsolicitedResponses(), failures),
                new SamlProfileCreator(settings.roleMapper(), settings.sessionMaxLifetime(), clock, new RoleReport(audit)),
                new SamlLogoutActionBuilder(current, pending, clock));
    }

    /** pac4j's configuration: Portcullis's client, matcher, authorizer, session store, contexts and action adapter. */
    private Config pac4j(IndirectClient client, ProtectedPathMatcher paths, StepUp stepUp, CacheSessionStore store) {
        Clients clients = new Clients(settings.oidc() ? settings.callbackUrl() : settings.acsUrl(), client);
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
        config.setWebContextFactory(parameters -> new ValveWebContext((RequestState) parameters, settings.externalUrl()));
        config.setSessionStoreFactory(parameters -> store);
        config.setProfileManagerFactory(ProfileManagerFactory.DEFAULT);
        config.setHttpActionAdapter(new ActionAdapter(writer, audit.counters()));
        clients.init();
        return config;
    }

    /** The SP metadata: entityID, ACS, Single Logout (when on), the signing and encryption certificates. */
    private String spMetadata(boolean signsAuthnRequests) {
        List<X509Certificate> spCertificates = settings.decryptionCredentials().stream()
                .map(SpCredentials::certificate).toList();
        List<X509Certificate> encryptionCertificates = settings.decryptionCredentials().stream()
                .filter(c -> "RSA".equals(c.privateKey().getAlgorithm())).map(SpCredentials::certificate).toList();
        return SpMetadataWriter.write(settings.spEntityId(), settings.acsUrl(),
                settings.singleLogout() ? settings.sloUrl() : null,
                spCertificates, encryptionCertificates, signsAuthnRequests,
                settings.wantAssertionsSigned(), settings.nameIdFormat().orElse(null));
    }

    private void checkCertificates(IdpMetadata idp) {
        for (SpCredentials credentials : settings.decryptionCredentials()) {
            StartupChecks.checkExpiry("SP", credentials.certificate(), clock.instant());
        }
        for (X509Certificate certificate : idp.signingCertificates()) {
            StartupChecks.checkExpiry("IdP signing", certificate, clock.instant());
        }
    }

    private void logStarted(ServiceProvider sp) {
        IdpMetadata idp = sp.idp();
        LOG.info("Portcullis started: SP entityID [{}], ACS [{}], IdP [{}] with {} signing key(s), sign-in via {}"
                + " with {} AuthnRequests (signAuthnRequests={}, the IdP's WantAuthnRequestsSigned={})",
                settings.spEntityId(), settings.acsUrl(), idp.entityId(), idp.signingCertificates().size(),
                idp.preferredSingleSignOnService().map(e -> e.getValue()).orElse("?"),
                sp.signsAuthnRequests() ? "signed" : "unsigned", settings.authnRequestSigning().value(),
                idp.wantAuthnRequestsSigned());
    }

    /** What a running engine holds that must be released when it stops. */
    record Resources(IdpTrust trust, Protocol.Side side, Caches caches, Operations operations, String acsUrl)
            implements AutoCloseable {

        /** Unregisters the MBean, stops the metadata timer and releases the caches and everything they hold. */
        @Override
        public void close() {
            operations.unregister();
            if (trust != null) {
                trust.close();
            }
            if (side != null) {
                side.close();
            }
            caches.close();
            LOG.info("Portcullis stopped for ACS [{}]", acsUrl);
        }
    }
}
