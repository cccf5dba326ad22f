package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.profile.BasicUserProfile;

import dev.portcullis.session.SsoSession;

/**
 * The pac4j view of a Portcullis session. pac4j's profile classes are Java-serializable, so the
 * profile is never what gets stored: the session store keeps the {@link SsoSession} it wraps, with an
 * explicit serializer, and builds a fresh profile around it on each request.
 */
public final class SamlProfile extends BasicUserProfile {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SsoSession session;
    private final transient String correlationId;

    public SamlProfile(SsoSession session, String correlationId) {
        this(session, correlationId, SamlClient.NAME);
    }

    /** @param clientName the pac4j client of the valve's protocol ({@link SamlClient#NAME} or the OIDC client's) */
    public SamlProfile(SsoSession session, String correlationId, String clientName) {
        this.session = session;
        this.correlationId = correlationId;
        setId(session.principal());
        setClientName(clientName);
        addRoles(session.roles());
    }

    public SsoSession session() {
        return session;
    }

    /** The correlation id of the sign-in that created the session, or null on later requests. */
    public String correlationId() {
        return correlationId;
    }

    /** Expiry is decided by the session store when it loads the session, with the injected clock. */
    @Override
    public boolean isExpired() {
        return false;
    }
}
