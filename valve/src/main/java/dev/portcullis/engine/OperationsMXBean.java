package dev.portcullis.engine;

import java.util.Map;

/**
 * The valve's MBean: what one running Portcullis valve has done and holds, and the levers operators
 * pull on it (jconsole, VisualVM, Tomcat Manager's JMX proxy, {@code scripts/portcullis-admin}, the
 * Prometheus JMX exporter). Registered as {@code dev.portcullis:type=SsoValve,host=HOST} for a valve in a
 * Host and {@code dev.portcullis:type=SsoValve,host=HOST,context=/PATH} for one in a Context
 * ({@link Operations#objectName}). An MXBean, so every value is an open type any JMX client reads
 * without Portcullis's classes; maps become tables keyed by {@code key}.
 */
public interface OperationsMXBean {

    /** Sign-ins that created a session (step-ups included). */
    long getSignInsAccepted();

    /** Refused sign-ins by error code ({@code SamlErrorCode}); every code is listed, 0 until it happens. */
    Map<String, Long> getSignInsRefused();

    /** Sessions ended, by kind: local, sp_slo, idp, idle, lifetime, admin. */
    Map<String, Long> getLogouts();

    /** Refused logout messages (Single Logout) by error code. */
    Map<String, Long> getLogoutMessagesRefused();

    /** Sign-ins that answered a step-up request. */
    long getStepUps();

    /** 401 answers to scripts (requests that cannot follow a redirect to the IdP). */
    long getScriptsUnauthorized();

    /** 503 answers because the state store did not answer. */
    long getStateStoreUnavailable();

    /** Sign-in starts refused with 429 (signInRateLimit). */
    long getSignInsRateLimited();

    /** Whether the state store answered a probe just now (a read of the replay cache's epoch). */
    boolean isStateStoreAnswering();

    /**
     * Sessions in the store: always "not known", since Ehcache 3 has no count of live entries (its
     * statistics count mappings, expired ones not yet evicted included, and a clustered tier only per
     * server): a figure from them would be wrong.
     */
    String getSessionsInStore();

    /** Where the IdP metadata in use came from: its location, or "saved copy PATH". */
    String getIdpMetadataSource();

    /** When the IdP metadata in use was read (ISO-8601 UTC). */
    String getIdpMetadataLastRefresh();

    /** When the timer reads the IdP metadata next (ISO-8601 UTC), or "-". */
    String getIdpMetadataNextRefresh();

    /** The IdP metadata's validUntil (ISO-8601 UTC), or "-" when it has none. */
    String getIdpMetadataValidUntil();

    /** Whether the IdP metadata verifies messages now (not past validUntil, a signing key left). */
    boolean isIdpMetadataValid();

    /** Whole days until the earliest IdP signing certificate expires (negative: expired). */
    long getDaysUntilIdpCertificateExpiry();

    /** Whole days until the earliest SP certificate expires (negative: expired); null without an SP key. */
    Long getDaysUntilSpCertificateExpiry();

    /** The settings in force, as written or their defaults; secrets masked. */
    Map<String, String> getSettings();

    /**
     * Ends every session of the user the IdP names {@code nameId} (this valve's IdP; with protocol=oidc the sub
     * claim, or the principal name), on every node that shares the state store, and the webapps' own sessions of those sessions that live on this node.
     * Audited; returns how many sessions ended.
     */
    int endSessionsOf(String nameId);

    /** Ends every session in the state store (all nodes sharing it). Audited; returns how many ended. */
    int endAllSessions();

    /** Reads the IdP metadata again now. Audited; returns whether it worked (the log says why not). */
    boolean refreshIdpMetadata();
}
