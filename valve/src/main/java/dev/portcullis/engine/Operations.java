package dev.portcullis.engine;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.security.auth.Subject;

import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.audit.Counters;
import dev.portcullis.config.Settings;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.Caches;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.session.SsoSession;
import dev.portcullis.session.StateUnavailableException;
import dev.portcullis.tomcat.WebappSessions;

/**
 * The instruments and levers of one running valve, published as its MBean ({@link OperationsMXBean})
 * from the moment the engine has started until it closes. It holds the engine's parts, never the valve,
 * and the platform MBeanServer holds it only while the engine runs: after {@link #unregister} nothing
 * outside the engine refers to it, so a stopped valve (a redeployed Context, a removed Host) can be
 * garbage-collected.
 *
 * <p>No lever is reachable over HTTP: JMX is where Tomcat's operators already act on a running Tomcat,
 * behind the JMX connector's own authentication (or local attach, which needs the same OS user), and
 * the Manager application's JMX proxy behind its {@code manager-jmx} role. Each lever writes one
 * {@code admin_action} audit line naming the caller (the JMX connection's principal, or {@code jmx}).
 * Thread-safe.
 */
public final class Operations implements OperationsMXBean {

    private static final Logger LOG = LogManager.getLogger(Operations.class);
    /** The domain of Portcullis's MBeans; the keys are Tomcat's own (host, context). */
    public static final String DOMAIN = "dev.portcullis";
    static final String SESSIONS_NOT_KNOWN = "not known";

    private final Counters counters;
    private final AuditLog audit;
    /** The SAML IdP trust, or null with another protocol (then {@link #providerId} names the provider). */
    private final IdpTrust trust;
    private final String providerId;
    private final Caches caches;
    private final CacheReplayCache replay;
    private final SessionRepository sessions;
    private final WebappSessions webappSessions;
    private final Settings settings;
    private final Clock clock;
    private volatile ObjectName registered;

    Operations(AuditLog audit, IdpTrust trust, String providerId, java.util.List<String> refusalCodes, Caches caches,
               CacheReplayCache replay, SessionRepository sessions, WebappSessions webappSessions, Settings settings,
               Clock clock) {
        this.counters = audit.counters().refusalCodes(refusalCodes);
        this.audit = audit;
        this.trust = trust;
        this.providerId = providerId;
        this.caches = caches;
        this.replay = replay;
        this.sessions = sessions;
        this.webappSessions = webappSessions;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * {@code dev.portcullis:type=SsoValve,host=HOST} for a valve in a Host, with {@code ,context=/PATH}
     * ({@code /} for the ROOT webapp) for one in a Context: two Hosts, or a Host and one of its Contexts,
     * get two names. Values are quoted when they hold a character ObjectName reserves.
     */
    static ObjectName objectName(Container container) throws MalformedObjectNameException {
        StringBuilder name = new StringBuilder(DOMAIN).append(":type=SsoValve");
        Container host = container;
        while (host != null && !(host instanceof Host)) {
            host = host.getParent();
        }
        name.append(",host=").append(value(host == null ? "none" : host.getName()));
        if (container instanceof Context context) {
            name.append(",context=").append(value(context.getPath().isEmpty() ? "/" : context.getPath()));
        }
        return new ObjectName(name.toString());
    }

    private static String value(String text) {
        for (char c : text.toCharArray()) {
            if (",=:\"*?\n".indexOf(c) >= 0) {
                return ObjectName.quote(text);
            }
        }
        return text;
    }

    /**
     * Registers this MBean with the platform MBeanServer under {@link #objectName}. A name already taken
     * (two valves in one container, or two embedded Tomcats with the same Host name in one JVM) is logged and
     * left to the first valve: the metrics are an aid, and
     * refusing to start a correctly configured valve for them would take sign-ins away.
     */
    void register(Container container) {
        try {
            ObjectName name = objectName(container);
            ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
            registered = name;
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("Another running Portcullis valve in this JVM has the same MBean name (Host and Context); this one publishes none: {}",
                    e.getMessage());
        } catch (JMException | RuntimeException e) {
            LOG.warn("Cannot register Portcullis's MBean: {}", e.toString());
        }
    }

    /** Unregisters the MBean (the engine is closing), so the MBeanServer no longer holds the engine. */
    void unregister() {
        ObjectName name = registered;
        registered = null;
        if (name == null) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("Cannot unregister Portcullis's MBean {}: {}", name, e.toString());
        }
    }

    /** The name this MBean is registered under, or null. */
    ObjectName registeredName() {
        return registered;
    }

    // ---- instruments ----

    @Override
    public long getSignInsAccepted() {
        return counters.signIns();
    }

    @Override
    public Map<String, Long> getSignInsRefused() {
        return counters.refusedByCode();
    }

    @Override
    public Map<String, Long> getLogouts() {
        return counters.logoutsByKind();
    }

    @Override
    public Map<String, Long> getLogoutMessagesRefused() {
        return counters.logoutsRefusedByCode();
    }

    @Override
    public long getStepUps() {
        return counters.stepUps();
    }

    @Override
    public long getScriptsUnauthorized() {
        return counters.scriptsUnauthorized();
    }

    @Override
    public long getStateStoreUnavailable() {
        return counters.stateStoreUnavailableAnswers();
    }

    @Override
    public long getSignInsRateLimited() {
        return counters.signInsRateLimited();
    }

    @Override
    public boolean isStateStoreAnswering() {
        return stateStoreAnswers();
    }

    @Override
    public String getSessionsInStore() {
        return SESSIONS_NOT_KNOWN;
    }

    @Override
    public String getIdpMetadataSource() {
        IdpTrust.Status status = trust == null ? null : trust.status();
        return status == null ? (trust == null ? providerId : "-") : status.source();
    }

    @Override
    public String getIdpMetadataLastRefresh() {
        IdpTrust.Status status = trust == null ? null : trust.status();
        return status == null ? "-" : text(status.read());
    }

    @Override
    public String getIdpMetadataNextRefresh() {
        IdpTrust.Status status = trust == null ? null : trust.status();
        return status == null ? "-" : text(status.nextRefresh());
    }

    @Override
    public String getIdpMetadataValidUntil() {
        return trust == null ? "-" : text(trust.current().idp().validUntil());
    }

    @Override
    public boolean isIdpMetadataValid() {
        return idpMetadataValid(clock.instant());
    }

    @Override
    public long getDaysUntilIdpCertificateExpiry() {
        return trust == null ? 0 : daysUntilEarliest(trust.current().idp().signingCertificates());
    }

    @Override
    public Long getDaysUntilSpCertificateExpiry() {
        List<X509Certificate> certificates = settings.decryptionCredentials().stream()
                .map(dev.portcullis.config.SpCredentials::certificate).toList();
        return certificates.isEmpty() ? null : daysUntilEarliest(certificates);
    }

    @Override
    public Map<String, String> getSettings() {
        return settings.inForce();
    }

    // ---- levers ----

    @Override
    public int endSessionsOf(String nameId) {
        if (nameId == null || nameId.isEmpty()) {
            throw new IllegalArgumentException("endSessionsOf needs the user's NameID as the IdP sends it");
        }
        // With OIDC the index is kept under the issuer and the sub claim, the provider's own name for the user.
        String idp = trust == null ? providerId : trust.current().idp().entityId();
        // The per-user index (IdP entityID + NameID) is the one LogoutRequests from the IdP use
        // (SAML 2.0 Profiles 4.4.3.3): with a clustered store it lists sessions made on every node.
        List<SsoSession> ended = new java.util.ArrayList<>(sessions.endSessionsOf(idp, nameId, List.of()));
        if (trust == null) {
            // OpenID Connect: the index has the sub claim, which is often an opaque id; the operator may name the user
            // by the principal name instead.
            ended.addAll(sessions.endOidcSessionsOfPrincipal(idp, nameId));
        }
        ended.forEach(webappSessions::ended);
        audit.adminAction(caller(), AuditLog.AdminAction.END_SESSIONS_OF, nameId, ended.size());
        LOG.info("Operator {} ended {} session(s) of NameID [{}]", caller(), ended.size(), nameId);
        return ended.size();
    }

    @Override
    public int endAllSessions() {
        List<SsoSession> ended = sessions.endAll();
        ended.forEach(webappSessions::ended);
        audit.adminAction(caller(), AuditLog.AdminAction.END_ALL_SESSIONS, null, ended.size());
        LOG.warn("Operator {} ended all {} session(s)", caller(), ended.size());
        return ended.size();
    }

    @Override
    public boolean refreshIdpMetadata() {
        boolean refreshed = trust != null && trust.refresh();
        audit.adminAction(caller(), refreshed ? AuditLog.AdminAction.REFRESH_IDP_METADATA
                : AuditLog.AdminAction.REFRESH_IDP_METADATA_FAILED, null, 0);
        return refreshed;
    }

    // ---- health ----

    /** Reason codes of the health check; {@link #OK} when this node can serve sign-ins. */
    static final String OK = "ok";
    static final String STATE_STORE_UNAVAILABLE = "state_store_unavailable";
    static final String IDP_METADATA_EXPIRED = "idp_metadata_expired";

    /** What the health check says: its reason code ({@link #OK} when healthy) and the figures behind it. */
    record Health(String reason, Map<String, String> figures) {
        boolean ok() {
            return OK.equals(reason);
        }
    }

    /** This node can serve sign-ins when its state store answers and its IdP metadata verifies messages. */
    Health health() {
        Instant now = clock.instant();
        boolean store = stateStoreAnswers();
        boolean idp = idpMetadataValid(now);
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("state_store", store ? "answering" : "not answering");
        figures.put("idp_metadata_valid_until", getIdpMetadataValidUntil());
        figures.put("idp_metadata_last_refresh", getIdpMetadataLastRefresh());
        figures.put("idp_certificate_days_left", Long.toString(getDaysUntilIdpCertificateExpiry()));
        Long sp = getDaysUntilSpCertificateExpiry();
        figures.put("sp_certificate_days_left", sp == null ? "-" : sp.toString());
        figures.put("sign_ins_accepted", Long.toString(counters.signIns()));
        figures.put("state_store_503s", Long.toString(counters.stateStoreUnavailableAnswers()));
        return new Health(!store ? STATE_STORE_UNAVAILABLE : !idp ? IDP_METADATA_EXPIRED : OK, figures);
    }

    /**
     * A read that must reach the store: the replay cache's epoch, a stored key (with a clustered tier, a
     * round trip to the server, refused at once while the store watch knows it down).
     */
    private boolean stateStoreAnswers() {
        if (!caches.answering()) {
            return false;
        }
        try {
            replay.epoch();
            return true;
        } catch (StateUnavailableException e) {
            return false;
        }
    }

    /** Not past validUntil, and a signing key left (idpCertificateExpiry=refuse drops expired ones). */
    private boolean idpMetadataValid(Instant now) {
        if (trust == null) {
            return true;
        }
        IdpMetadata idp = trust.current().idp();
        return (idp.validUntil() == null || now.isBefore(idp.validUntil())) && !idp.signingCertificates().isEmpty();
    }

    private long daysUntilEarliest(List<X509Certificate> certificates) {
        Instant earliest = certificates.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElse(null);
        return earliest == null ? 0 : Math.floorDiv(Duration.between(clock.instant(), earliest).toSeconds(), 86_400L);
    }

    private static String text(Instant instant) {
        return instant == null ? "-" : instant.toString();
    }

    /**
     * The JMX caller: the principals of the Subject the JMX connector runs the call under (its
     * authenticator's; {@code JMXPrincipal} for password authentication), else {@code jmx} (local attach,
     * a connector without authentication, the Manager's JMX proxy, an in-process call).
     */
    static String caller() {
        Subject subject = currentSubject();
        if (subject == null) {
            return "jmx";
        }
        Set<Principal> principals = subject.getPrincipals();
        return principals.isEmpty() ? "jmx" : String.join(",", principals.stream().map(Principal::getName).sorted().toList());
    }

    /**
     * {@code Subject.current()} where it exists (Java 18+; the only way from Java 23 on), else
     * {@code Subject.getSubject(AccessController.getContext())} (Java 17, which the JMX connector of 17 sets).
     * By reflection, so one class serves both without deprecation warnings.
     */
    private static Subject currentSubject() {
        try {
            Method current = Subject.class.getMethod("current");
            return (Subject) current.invoke(null);
        } catch (NoSuchMethodException e) {
            try {
                Class<?> controller = Class.forName("java.security.AccessController");
                Object context = controller.getMethod("getContext").invoke(null);
                Method getSubject = Subject.class.getMethod("getSubject", Class.forName("java.security.AccessControlContext"));
                return (Subject) getSubject.invoke(null, context);
            } catch (ReflectiveOperationException | RuntimeException inner) {
                return null;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
