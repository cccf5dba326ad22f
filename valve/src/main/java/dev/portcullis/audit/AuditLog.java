package dev.portcullis.audit;

import static dev.portcullis.audit.AuditField.ACTION;
import static dev.portcullis.audit.AuditField.ACTOR;
import static dev.portcullis.audit.AuditField.ATTRIBUTE;
import static dev.portcullis.audit.AuditField.AUTHN_CONTEXT;
import static dev.portcullis.audit.AuditField.CAUSE;
import static dev.portcullis.audit.AuditField.CLIENT;
import static dev.portcullis.audit.AuditField.CODE;
import static dev.portcullis.audit.AuditField.CORRELATION;
import static dev.portcullis.audit.AuditField.COUNT;
import static dev.portcullis.audit.AuditField.COUNTED_AS;
import static dev.portcullis.audit.AuditField.IDP;
import static dev.portcullis.audit.AuditField.PRESENT;
import static dev.portcullis.audit.AuditField.REASON;
import static dev.portcullis.audit.AuditField.REFUSED;
import static dev.portcullis.audit.AuditField.ROLE;
import static dev.portcullis.audit.AuditField.SESSION;
import static dev.portcullis.audit.AuditField.SESSIONS;
import static dev.portcullis.audit.AuditField.TARGET;
import static dev.portcullis.audit.AuditField.USER;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One structured line per security event on the logger {@value #LOGGER}; the events and their fields
 * are {@link AuditEvent} and {@link AuditField}, described in docs/AUDIT.md. Fields are the user, the
 * IdP, a hash of the session id, the client address and the correlation id shown to the user. Never
 * assertions, keys, cookie values or attribute values. Values are stripped of control characters so that
 * an IdP-supplied name cannot forge a second line, and the line is JSON ({@link AuditMessage}) so that it
 * cannot forge a second field. Thread-safe.
 */
public final class AuditLog {

    public static final String LOGGER = "dev.portcullis.audit";

    /** How a session ended by logout: the {@code cause} of a {@code logout} line. Stable codes. */
    public enum LogoutCause {
        /** The user signed out here ({@code /sso/logout}), with or without telling the IdP. */
        LOCAL("local"),
        /** The IdP's LogoutRequest ended it (SAML 2.0 Single Logout, IdP-initiated). */
        IDP("idp");

        private final String code;

        LogoutCause(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** Why a session expired: the {@code cause} of a {@code session_expired} line. Stable codes. */
    public enum ExpiryCause {
        /** sessionIdleTimeout passed without a request. */
        IDLE("idle"),
        /** sessionMaxLifetime, or the IdP's SessionNotOnOrAfter, reached. */
        LIFETIME("lifetime");

        private final String code;

        ExpiryCause(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** What an operator did through the valve's MBean: the {@code action} of an {@code admin_action} line. */
    public enum AdminAction {
        /** Ended every session of one user (by NameID). */
        END_SESSIONS_OF("end_sessions_of"),
        /** Ended every session in the state store. */
        END_ALL_SESSIONS("end_all_sessions"),
        /** Read the IdP metadata again. */
        REFRESH_IDP_METADATA("refresh_idp_metadata"),
        /** Asked to read the IdP metadata again, which could not be read (the previous metadata stays). */
        REFRESH_IDP_METADATA_FAILED("refresh_idp_metadata_failed");

        private final String code;

        AdminAction(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

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
        write(new AuditMessage(AuditEvent.LOGIN_SUCCESS).field(USER, clean(user)).field(IDP, clean(idp))
                .field(SESSION, sessionHash).field(CLIENT, clean(client)).field(CORRELATION, correlationId)
                .field(AUTHN_CONTEXT, clean(authnContext)));
    }

    /** A sign-in was refused; {@code code} is a stable error code. */
    public void loginFailure(String code, String idp, String client, String correlationId) {
        counters.refused(code);
        write(new AuditMessage(AuditEvent.LOGIN_FAILURE).field(CODE, code).field(IDP, clean(idp))
                .field(CLIENT, clean(client)).field(CORRELATION, correlationId));
    }

    /** A session ended by logout; {@code sessionHash} is "-" where the ending message does not name the cookie. */
    public void logout(String user, String idp, String sessionHash, String client, LogoutCause cause) {
        counters.loggedOut(cause.code(), 1);
        write(new AuditMessage(AuditEvent.LOGOUT).field(USER, clean(user)).field(IDP, clean(idp))
                .field(SESSION, sessionHash).field(CLIENT, clean(client)).field(CAUSE, cause.code()));
    }

    /** A logout message from the IdP was refused; {@code code} is a stable error code. */
    public void logoutFailure(String code, String idp, String client, String correlationId) {
        counters.logoutRefused(code);
        write(new AuditMessage(AuditEvent.LOGOUT_FAILURE).field(CODE, code).field(IDP, clean(idp))
                .field(CLIENT, clean(client)).field(CORRELATION, correlationId));
    }

    /**
     * An IdP value of a role attribute that did not become a role at sign-in. {@code role} is the value
     * for one of Tomcat's administrative role names (a fixed list, never free text from the IdP), else
     * null; {@code count} is how many values of the attribute were dropped for this reason.
     */
    public void roleDropped(String user, String idp, String attribute, String reason, String role, int count,
                            String client, String correlationId) {
        AuditMessage message = new AuditMessage(AuditEvent.ROLE_DROPPED).field(USER, clean(user))
                .field(IDP, clean(idp)).field(ATTRIBUTE, clean(attribute)).field(REASON, reason);
        if (role != null) {
            message.field(ROLE, clean(role));
        }
        write(message.field(COUNT, count).field(CLIENT, clean(client)).field(CORRELATION, correlationId));
    }

    /**
     * A role attribute was absent from the assertion, so the user has no roles from it. Names the
     * attributes that were present (names only, never their values).
     */
    public void roleAttributeMissing(String user, String idp, String attribute, String present, String client,
                                     String correlationId) {
        write(new AuditMessage(AuditEvent.ROLE_ATTRIBUTE_MISSING).field(USER, clean(user)).field(IDP, clean(idp))
                .field(ATTRIBUTE, clean(attribute)).field(PRESENT, clean(present)).field(CLIENT, clean(client))
                .field(CORRELATION, correlationId));
    }

    /**
     * A client address went over signInRateLimit and gets 429 (at most one line per address and period);
     * {@code counted} is the address as counted (an IPv6 /64), {@code refused} how many starts were refused
     * since the previous line for it.
     */
    public void signInRateLimited(String client, String counted, int refused) {
        counters.rateLimited(refused);
        write(new AuditMessage(AuditEvent.SIGN_IN_RATE_LIMITED).field(CLIENT, clean(client))
                .field(COUNTED_AS, clean(counted)).field(REFUSED, refused));
    }

    /** A session ended because it expired. */
    public void sessionExpired(String user, String idp, String sessionHash, String client, ExpiryCause cause) {
        counters.loggedOut(cause.code(), 1);
        write(new AuditMessage(AuditEvent.SESSION_EXPIRED).field(USER, clean(user)).field(IDP, clean(idp))
                .field(SESSION, sessionHash).field(CLIENT, clean(client)).field(CAUSE, cause.code()));
    }

    /**
     * An operator acted through the valve's MBean: {@code actor} is the JMX caller's principal (or
     * {@code jmx} when the connection carries none), {@code target} whom it was done to (a NameID, or
     * {@code -}), {@code sessions} how many sessions it ended. Sessions ended this way are counted as
     * {@code admin} logouts; the line's time is when it happened.
     */
    public void adminAction(String actor, AdminAction action, String target, int sessions) {
        if (sessions > 0) {
            counters.loggedOut(Counters.LOGOUT_ADMIN, sessions);
        }
        write(new AuditMessage(AuditEvent.ADMIN_ACTION).field(ACTOR, clean(actor)).field(ACTION, action.code())
                .field(TARGET, clean(target)).field(SESSIONS, sessions));
    }

    private void write(AuditMessage message) {
        log.log(message.event().level(), message);
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
