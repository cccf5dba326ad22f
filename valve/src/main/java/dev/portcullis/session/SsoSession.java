package dev.portcullis.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

    /**
     * The "NameID format" of a session signed in with OpenID Connect: its nameId is the ID token's sub claim, its
     * IdP the issuer, its SessionIndex the sid claim, its AuthnContextClassRef the acr claim. Stored like any
     * format, so no serialized form changes.
     */
    public static final String OIDC_SUBJECT = "urn:portcullis:oidc:sub";

    /** How many webapp sessions one session remembers (one per webapp a user opens, normally a handful). */
    public static final int MAX_WEBAPP_SESSIONS = 64;

    private static final long NONE = Long.MIN_VALUE;

    // Compact on purpose (one is kept per signed-in user): values shared by all users are canonical
    // instances (Canonical), attribute values are one string with offsets, instants are epoch millis.
    private final String principal;
    private final List<String> roles;
    private final String[] attributeNames;
    /** Every attribute value, concatenated in order. */
    private final String attributeText;
    /** The number of values of each attribute, then the end offset in attributeText of each value. */
    private final int[] attributeLayout;
    private final String idpEntityId;
    private final String nameId;
    private final String nameIdFormat;
    private final String nameQualifier;
    private final String spNameQualifier;
    private final String sessionIndex;
    private final String authnContextClassRef;
    private final long authnInstant;
    private final long createdAt;
    private final long lastAccess;
    private final long expiresAt;
    private final List<String> webappSessions;
    /** With OpenID Connect, the ID token as issued (the id_token_hint of RP-initiated logout); null with SAML. */
    private final String idToken;

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
        this(principal, roles, attributes, idpEntityId, nameId, nameIdFormat, nameQualifier, spNameQualifier, sessionIndex,
                authnContextClassRef, authnInstant, createdAt, lastAccess, expiresAt, webappSessions, null);
    }

    /**
     * @param idToken with OpenID Connect, the ID token as issued (sent back as id_token_hint at logout; never shown
     *                to webapps); null with SAML
     */
    public SsoSession(String principal, List<String> roles, Map<String, List<String>> attributes, String idpEntityId,
                      String nameId, String nameIdFormat, String nameQualifier, String spNameQualifier,
                      String sessionIndex, String authnContextClassRef, Instant authnInstant, Instant createdAt,
                      Instant lastAccess, Instant expiresAt, List<String> webappSessions, String idToken) {
        this.idToken = idToken;
        this.principal = principal != null && principal.equals(nameId) ? nameId : principal;
        this.roles = Canonical.SHARED.list(roles);
        String[] names = new String[attributes.size()];
        int valueCount = 0;
        int length = 0;
        int i = 0;
        for (Map.Entry<String, List<String>> attribute : attributes.entrySet()) {
            names[i++] = attribute.getKey();
            valueCount += attribute.getValue().size();
            for (String value : attribute.getValue()) {
                length += value.length();
            }
        }
        this.attributeNames = Canonical.SHARED.names(names);
        int[] layout = new int[names.length + valueCount];
        StringBuilder text = new StringBuilder(length);
        i = 0;
        int v = names.length;
        for (List<String> values : attributes.values()) {
            layout[i++] = values.size();
            for (String value : values) {
                text.append(value);
                layout[v++] = text.length();
            }
        }
        this.attributeText = text.toString();
        this.attributeLayout = layout;
        this.idpEntityId = Canonical.SHARED.string(idpEntityId);
        this.nameId = nameId;
        this.nameIdFormat = Canonical.SHARED.string(nameIdFormat);
        this.nameQualifier = Canonical.SHARED.string(nameQualifier);
        this.spNameQualifier = Canonical.SHARED.string(spNameQualifier);
        this.sessionIndex = sessionIndex;
        this.authnContextClassRef = Canonical.SHARED.string(authnContextClassRef);
        this.authnInstant = millis(authnInstant);
        this.createdAt = millis(createdAt);
        this.lastAccess = millis(lastAccess);
        this.expiresAt = millis(expiresAt);
        this.webappSessions = List.copyOf(webappSessions);
    }

    /** A copy with another last access and webapp sessions; everything else shared, not rebuilt. */
    private SsoSession(SsoSession s, long lastAccess, List<String> webappSessions) {
        this.principal = s.principal;
        this.roles = s.roles;
        this.attributeNames = s.attributeNames;
        this.attributeText = s.attributeText;
        this.attributeLayout = s.attributeLayout;
        this.idpEntityId = s.idpEntityId;
        this.nameId = s.nameId;
        this.nameIdFormat = s.nameIdFormat;
        this.nameQualifier = s.nameQualifier;
        this.spNameQualifier = s.spNameQualifier;
        this.sessionIndex = s.sessionIndex;
        this.authnContextClassRef = s.authnContextClassRef;
        this.authnInstant = s.authnInstant;
        this.createdAt = s.createdAt;
        this.lastAccess = lastAccess;
        this.expiresAt = s.expiresAt;
        this.webappSessions = webappSessions;
        this.idToken = s.idToken;
    }

    private static long millis(Instant instant) {
        if (instant == null) {
            return NONE;
        }
        try {
            return instant.toEpochMilli();
        } catch (ArithmeticException e) {
            return instant.isBefore(Instant.EPOCH) ? NONE + 1 : Long.MAX_VALUE;
        }
    }

    private static Instant instant(long millis) {
        return millis == NONE ? null : Instant.ofEpochMilli(millis);
    }

    /**
     * Value equality, field by field. The caches' conditional operations ({@code replace(key, old, new)},
     * {@code remove(key, old)}) compare the value read with the value stored, and every store that keeps
     * serialized copies (a Terracotta server, an off-heap or disk tier) compares a copy it has just read back:
     * with identity, the last-access touch and the note of a webapp session never succeeded there, so a busy
     * session ended at its idle timeout, and every request after its first minute wrote to the server.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof SsoSession s)) {
            return false;
        }
        return lastAccess == s.lastAccess && createdAt == s.createdAt && expiresAt == s.expiresAt
                && authnInstant == s.authnInstant && java.util.Objects.equals(nameId, s.nameId)
                && java.util.Objects.equals(principal, s.principal) && java.util.Objects.equals(sessionIndex, s.sessionIndex)
                && java.util.Objects.equals(idpEntityId, s.idpEntityId) && roles.equals(s.roles)
                && java.util.Arrays.equals(attributeNames, s.attributeNames) && attributeText.equals(s.attributeText)
                && java.util.Arrays.equals(attributeLayout, s.attributeLayout)
                && java.util.Objects.equals(nameIdFormat, s.nameIdFormat)
                && java.util.Objects.equals(nameQualifier, s.nameQualifier)
                && java.util.Objects.equals(spNameQualifier, s.spNameQualifier)
                && java.util.Objects.equals(authnContextClassRef, s.authnContextClassRef)
                && webappSessions.equals(s.webappSessions) && java.util.Objects.equals(idToken, s.idToken);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(nameId, sessionIndex, createdAt, lastAccess);
    }

    /** A copy seen in use at {@code now}. */
    public SsoSession touchedAt(Instant now) {
        return new SsoSession(this, millis(now), webappSessions);
    }

    /** A copy that also knows of one more webapp session (at most {@link #MAX_WEBAPP_SESSIONS}, newest kept). */
    public SsoSession withWebappSession(String webappSession) {
        ArrayList<String> all = new ArrayList<>(webappSessions);
        all.add(webappSession);
        while (all.size() > MAX_WEBAPP_SESSIONS) {
            all.remove(0);
        }
        return new SsoSession(this, lastAccess, List.copyOf(all));
    }

    public List<String> webappSessions() {
        return webappSessions;
    }

    /** Null while the session is valid at {@code now}, else why it ended. */
    public EndCause endCause(Instant now, Duration idleTimeout) {
        long at = millis(now);
        if (at >= expiresAt) {
            return EndCause.LIFETIME;
        }
        if (at >= lastAccess + idleTimeout.toMillis()) {
            return EndCause.IDLE;
        }
        return null;
    }

    /** When the session ends if it stays idle from now on. */
    public Instant idleDeadline(Duration idleTimeout) {
        return instant(Math.min(lastAccess + idleTimeout.toMillis(), expiresAt));
    }

    /** Whether at least {@code interval} has passed since the last recorded access. */
    public boolean lastAccessOlderThan(Instant now, Duration interval) {
        return millis(now) - lastAccess >= interval.toMillis();
    }

    public String principal() {
        return principal;
    }

    public List<String> roles() {
        return roles;
    }

    /** The SAML attributes, decoded into a new unmodifiable map (in the IdP's order). */
    public Map<String, List<String>> attributes() {
        LinkedHashMap<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < attributeNames.length; i++) {
            map.put(attributeNames[i], attributeValues(i));
        }
        return Collections.unmodifiableMap(map);
    }

    /** How many attributes there are. */
    public int attributeCount() {
        return attributeNames.length;
    }

    /** The name of attribute {@code index}. */
    public String attributeName(int index) {
        return attributeNames[index];
    }

    /** The values of attribute {@code index}, decoded. */
    public List<String> attributeValues(int index) {
        int first = attributeNames.length;
        for (int i = 0; i < index; i++) {
            first += attributeLayout[i];
        }
        int count = attributeLayout[index];
        String[] values = new String[count];
        int start = first == attributeNames.length ? 0 : attributeLayout[first - 1];
        for (int k = 0; k < count; k++) {
            int end = attributeLayout[first + k];
            values[k] = attributeText.substring(start, end);
            start = end;
        }
        return List.of(values);
    }

    /** The values of the named attribute, decoded, or null when there is no such attribute. */
    public List<String> attributeValues(String name) {
        for (int i = 0; i < attributeNames.length; i++) {
            if (attributeNames[i].equals(name)) {
                return attributeValues(i);
            }
        }
        return null;
    }

    public String idpEntityId() {
        return idpEntityId;
    }

    public String nameId() {
        return nameId;
    }

    /** With OpenID Connect, the ID token as issued; null with SAML. */
    public String idToken() {
        return idToken;
    }

    /** Whether this session was signed in with OpenID Connect ({@link #OIDC_SUBJECT}). */
    public boolean oidc() {
        return OIDC_SUBJECT.equals(nameIdFormat);
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
        return instant(authnInstant);
    }

    public Instant createdAt() {
        return instant(createdAt);
    }

    public Instant lastAccess() {
        return instant(lastAccess);
    }

    public Instant expiresAt() {
        return instant(expiresAt);
    }

    @Override
    public String toString() {
        // No attribute values: this may end up in a debug log.
        return "SsoSession[principal=" + principal + ", roles=" + roles + ", idp=" + idpEntityId
                + ", createdAt=" + createdAt() + ", expiresAt=" + expiresAt() + "]";
    }
}
