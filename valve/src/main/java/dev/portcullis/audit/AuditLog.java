package dev.portcullis.audit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.StringMapMessage;

/**
 * One structured line per security event on the logger {@value #LOGGER}: sign-in success and failure
 * (with its error code), logout, session expiry. Fields are the user, the IdP, a hash of the session
 * id, the client address and the correlation id shown to the user. Never assertions, keys, cookie
 * values or attribute values. Values are stripped of control characters so that an IdP-supplied
 * name cannot forge a second line. Thread-safe.
 */
public final class AuditLog {

    public static final String LOGGER = "dev.portcullis.audit";

    private final Logger log;
    private final Counters counters;

    public AuditLog() {
        this(new Counters());
    }

    /** Every event written is also counted in {@code counters} (the valve's MBean publishes them). */
    public AuditLog(Counters counters) {
        this(LogManager.getLogger(LOGGER), counters);
    }

    AuditLog(Logger log) {
        this(log, new Counters());
    }

    AuditLog(Logger log, Counters counters) {
        this.log = log;
        this.counters = counters;
    }

    /** What this audit log has counted. */
    public Counters counters() {
        return counters;
    }

    /** A user signed in and a session was created. */
    public void loginSuccess(String user, String idp, String sessionHash, String client, String correlationId,
                             String authnContext) {
        loginSuccess(user, idp, sessionHash, client, correlationId, authnContext, false);
    }

    /** A user signed in and a session was created; {@code stepUp}: the sign-in was a step-up (counted as such). */
    public void loginSuccess(String user, String idp, String sessionHash, String client, String correlationId,
                             String authnContext, boolean stepUp) {
        counters.signedIn(stepUp);
        log.info(event("login_success").with("user", clean(user)).with("idp", clean(idp))
                .with("session", sessionHash).with("client", clean(client)).with("correlation", correlationId)
                .with("authn_context", clean(authnContext)));
    }

    /** A sign-in was refused; {@code code} is a stable error code. */
    public void loginFailure(String code, String idp, String client, String correlationId) {
        counters.refused(code);
        log.warn(event("login_failure").with("code", code).with("idp", clean(idp)).with("client", clean(client))
                .with("correlation", correlationId));
    }

    /** A session ended by logout. */
    public void logout(String user, String idp, String sessionHash, String client, String cause) {
        counters.loggedOut(cause, 1);
        log.info(event("logout").with("user", clean(user)).with("idp", clean(idp)).with("session", sessionHash)
                .with("client", clean(client)).with("cause", cause));
    }

    /** A logout message from the IdP was refused; {@code code} is a stable error code. */
    public void logoutFailure(String code, String idp, String client, String correlationId) {
        counters.logoutRefused(code);
        log.warn(event("logout_failure").with("code", code).with("idp", clean(idp)).with("client", clean(client))
                .with("correlation", correlationId));
    }

    /**
     * An IdP value of a role attribute that did not become a role at sign-in. {@code role} is the value
     * for one of Tomcat's administrative role names (a fixed list, never free text from the IdP), else
     * null; {@code count} is how many values of the attribute were dropped for this reason.
     */
    public void roleDropped(String user, String idp, String attribute, String reason, String role, int count,
                            String client, String correlationId) {
        StringMapMessage message = event("role_dropped").with("user", clean(user)).with("idp", clean(idp))
                .with("attribute", clean(attribute)).with("reason", reason);
        if (role != null) {
            message.with("role", clean(role));
        }
        log.warn(message.with("count", count).with("client", clean(client)).with("correlation", correlationId));
    }

    /**
     * A role attribute was absent from the assertion, so the user has no roles from it. Names the
     * attributes that were present (names only, never their values).
     */
    public void roleAttributeMissing(String user, String idp, String attribute, String present, String client,
                                     String correlationId) {
        log.warn(event("role_attribute_missing").with("user", clean(user)).with("idp", clean(idp))
                .with("attribute", clean(attribute)).with("present", clean(present)).with("client", clean(client))
                .with("correlation", correlationId));
    }

    /**
     * A client address went over signInRateLimit and gets 429 (at most one line per address and period);
     * {@code counted} is the address as counted (an IPv6 /64), {@code refused} how many starts were refused
     * since the previous line for it.
     */
    public void signInRateLimited(String client, String counted, int refused) {
        counters.rateLimited(refused);
        log.warn(event("sign_in_rate_limited").with("client", clean(client)).with("counted_as", clean(counted))
                .with("refused", refused));
    }

    /** A session ended because it expired ({@code cause}: idle or lifetime). */
    public void sessionExpired(String user, String idp, String sessionHash, String client, String cause) {
        counters.loggedOut(cause, 1);
        log.info(event("session_expired").with("user", clean(user)).with("idp", clean(idp))
                .with("session", sessionHash).with("client", clean(client)).with("cause", cause));
    }

    /**
     * An operator acted through the valve's MBean: {@code actor} is the JMX caller's principal (or
     * {@code jmx} when the connection carries none), {@code action} what was done, {@code target} whom it
     * was done to (a NameID, or {@code -}), {@code sessions} how many sessions it ended. Sessions ended
     * this way are counted as {@code admin} logouts; the line's time is when it happened.
     */
    public void adminAction(String actor, String action, String target, long sessions) {
        if (sessions > 0) {
            counters.loggedOut(Counters.LOGOUT_ADMIN, sessions);
        }
        log.warn(event("admin_action").with("actor", clean(actor)).with("action", action).with("target", clean(target))
                .with("sessions", sessions));
    }

    private static StringMapMessage event(String name) {
        return new StringMapMessage().with("event", name);
    }

    static String clean(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 256));
        for (int i = 0; i < value.length() && out.length() < 256; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }
}
