package dev.portcullis.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One signed-in user, shared by every webapp on the Host: who they are (principal, roles, SAML
 * attributes), what the IdP said about the sign-in (NameID, SessionIndex, AuthnContext) for logout
 * and step-up, and when the session ends. Immutable; a touch makes a new copy. Stored in Ehcache under
 * the SHA-256 of the cookie value, never the value itself. Equality is identity on purpose: an atomic
 * {@code replace(key, old, new)} then only succeeds against the very instance that was read.
 */
public final class SsoSession {

    /** Why a session is no longer valid. */
    public enum EndCause {
        /** Not used for sessionIdleTimeout. */
        IDLE,
        /** sessionMaxLifetime or the IdP's SessionNotOnOrAfter reached. */
        LIFETIME
    }

    /** How many webapp sessions one session remembers (one per webapp a user opens, normally a handful). */
    public static final int MAX_WEBAPP_SESSIONS = 64;

    private final String principal;
    private final List<String> roles;
    private final Map<String, List<String>> attributes;
    private final String idpEntityId;
    private final String nameId;
    private final String nameIdFormat;
    private final String nameQualifier;
    private final String spNameQualifier;
    private final String sessionIndex;
    private final String authnContextClassRef;
    private final Instant authnInstant;
    private final Instant createdAt;
    private final Instant lastAccess;
    private final Instant expiresAt;
    private final List<String> webappSessions;

    public SsoSession(String principal, List<String> roles, Map<String, List<String>> attributes, String idpEntityId,
                      String nameId, String nameIdFormat, String nameQualifier, String spNameQualifier,
                      String sessionIndex, String authnContextClassRef, Instant authnInstant, Instant createdAt,
                      Instant lastAccess, Instant expiresAt) {
        this(principal, roles, attributes, idpEntityId, nameId, nameIdFormat, nameQualifier, spNameQualifier, sessionIndex,
                authnContextClassRef, authnInstant, createdAt, lastAccess, expiresAt, List.of());
    }

    /**
     * @param webappSessions the webapps' own HttpSessions created while this session was signed in,
     *                       as {@code contextName + " " + sessionId}, ended with it on logout
     */
    public SsoSession(String principal, List<String> roles, Map<String, List<String>> attributes, String idpEntityId,
                      String nameId, String nameIdFormat, String nameQualifier, String spNameQualifier,
                      String sessionIndex, String authnContextClassRef, Instant authnInstant, Instant createdAt,
                      Instant lastAccess, Instant expiresAt, List<String> webappSessions) {
        this.principal = principal;
        this.roles = List.copyOf(roles);
        LinkedHashMap<String, List<String>> copy = new LinkedHashMap<>();
        attributes.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        this.attributes = Collections.unmodifiableMap(copy);
        this.idpEntityId = idpEntityId;
        this.nameId = nameId;
        this.nameIdFormat = nameIdFormat;
        this.nameQualifier = nameQualifier;
        this.spNameQualifier = spNameQualifier;
        this.sessionIndex = sessionIndex;
        this.authnContextClassRef = authnContextClassRef;
        this.authnInstant = authnInstant;
        this.createdAt = createdAt;
        this.lastAccess = lastAccess;
        this.expiresAt = expiresAt;
        this.webappSessions = List.copyOf(webappSessions);
    }

    /** A copy seen in use at {@code now}. */
    public SsoSession touchedAt(Instant now) {
        return new SsoSession(principal, roles, attributes, idpEntityId, nameId, nameIdFormat, nameQualifier,
                spNameQualifier, sessionIndex, authnContextClassRef, authnInstant, createdAt, now, expiresAt, webappSessions);
    }

    /** A copy that also knows of one more webapp session (at most {@link #MAX_WEBAPP_SESSIONS}, newest kept). */
    public SsoSession withWebappSession(String webappSession) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(webappSessions);
        all.add(webappSession);
        while (all.size() > MAX_WEBAPP_SESSIONS) {
            all.remove(0);
        }
        return new SsoSession(principal, roles, attributes, idpEntityId, nameId, nameIdFormat, nameQualifier,
                spNameQualifier, sessionIndex, authnContextClassRef, authnInstant, createdAt, lastAccess, expiresAt, all);
    }

    public List<String> webappSessions() {
        return webappSessions;
    }

    /** Null while the session is valid at {@code now}, else why it ended. */
    public EndCause endCause(Instant now, Duration idleTimeout) {
        if (!now.isBefore(expiresAt)) {
            return EndCause.LIFETIME;
        }
        if (!now.isBefore(lastAccess.plus(idleTimeout))) {
            return EndCause.IDLE;
        }
        return null;
    }

    /** When the session ends if it stays idle from now on. */
    public Instant idleDeadline(Duration idleTimeout) {
        Instant idle = lastAccess.plus(idleTimeout);
        return idle.isBefore(expiresAt) ? idle : expiresAt;
    }

    public String principal() {
        return principal;
    }

    public List<String> roles() {
        return roles;
    }

    public Map<String, List<String>> attributes() {
        return attributes;
    }

    public String idpEntityId() {
        return idpEntityId;
    }

    public String nameId() {
        return nameId;
    }

    public String nameIdFormat() {
        return nameIdFormat;
    }

    public String nameQualifier() {
        return nameQualifier;
    }

    public String spNameQualifier() {
        return spNameQualifier;
    }

    public String sessionIndex() {
        return sessionIndex;
    }

    public String authnContextClassRef() {
        return authnContextClassRef;
    }

    public Instant authnInstant() {
        return authnInstant;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant lastAccess() {
        return lastAccess;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        // No attribute values: this may end up in a debug log.
        return "SsoSession[principal=" + principal + ", roles=" + roles + ", idp=" + idpEntityId
                + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
    }
}
