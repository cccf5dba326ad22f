package dev.portcullis.audit;

import static dev.portcullis.audit.AuditField.ACTION;
import static dev.portcullis.audit.AuditField.ACTOR;
import static dev.portcullis.audit.AuditField.SESSIONS;
import static dev.portcullis.audit.AuditField.TARGET;
import static dev.portcullis.audit.AuditField.ATTRIBUTE;
import static dev.portcullis.audit.AuditField.AUTHN_CONTEXT;
import static dev.portcullis.audit.AuditField.CAUSE;
import static dev.portcullis.audit.AuditField.CLIENT;
import static dev.portcullis.audit.AuditField.CODE;
import static dev.portcullis.audit.AuditField.CORRELATION;
import static dev.portcullis.audit.AuditField.COUNT;
import static dev.portcullis.audit.AuditField.COUNTED_AS;
import static dev.portcullis.audit.AuditField.EVENT;
import static dev.portcullis.audit.AuditField.IDP;
import static dev.portcullis.audit.AuditField.PRESENT;
import static dev.portcullis.audit.AuditField.REASON;
import static dev.portcullis.audit.AuditField.REFUSED;
import static dev.portcullis.audit.AuditField.ROLE;
import static dev.portcullis.audit.AuditField.SESSION;
import static dev.portcullis.audit.AuditField.USER;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.logging.log4j.Level;

/**
 * Every kind of audit line, with its stable name (the {@code event} field), the level it is logged at
 * (which becomes the syslog severity) and the fields it carries: those it always has, in the order
 * written here, and those it has only sometimes. {@link AuditMessage} refuses a field an event does not
 * declare, so this list is what the code writes; docs/AUDIT.md repeats it and {@code AuditDocTest} keeps
 * the two equal. Names never change once shipped: detection rules match them.
 */
public enum AuditEvent {

    LOGIN_SUCCESS("login_success", Level.INFO, List.of(USER, IDP, SESSION, CLIENT, CORRELATION, AUTHN_CONTEXT)),
    LOGIN_FAILURE("login_failure", Level.WARN, List.of(CODE, IDP, CLIENT, CORRELATION)),
    LOGOUT("logout", Level.INFO, List.of(USER, IDP, SESSION, CLIENT, CAUSE)),
    LOGOUT_FAILURE("logout_failure", Level.WARN, List.of(CODE, IDP, CLIENT, CORRELATION)),
    SESSION_EXPIRED("session_expired", Level.INFO, List.of(USER, IDP, SESSION, CLIENT, CAUSE)),
    ROLE_DROPPED("role_dropped", Level.WARN, List.of(USER, IDP, ATTRIBUTE, REASON, COUNT, CLIENT, CORRELATION),
            ROLE),
    ROLE_ATTRIBUTE_MISSING("role_attribute_missing", Level.WARN,
            List.of(USER, IDP, ATTRIBUTE, PRESENT, CLIENT, CORRELATION)),
    SIGN_IN_RATE_LIMITED("sign_in_rate_limited", Level.WARN, List.of(CLIENT, COUNTED_AS, REFUSED)),
    ADMIN_ACTION("admin_action", Level.WARN, List.of(ACTOR, ACTION, TARGET, SESSIONS));

    private final String code;
    private final Level level;
    private final List<AuditField> always;
    private final Set<AuditField> sometimes;

    AuditEvent(String code, Level level, List<AuditField> fields, AuditField... optional) {
        this.code = code;
        this.level = level;
        List<AuditField> all = new ArrayList<>();
        all.add(EVENT);
        all.addAll(fields);
        this.always = List.copyOf(all);
        this.sometimes = optional.length == 0 ? Collections.emptySet()
                : Collections.unmodifiableSet(EnumSet.copyOf(Arrays.asList(optional)));
    }

    /** The stable name, the value of the {@code event} field. */
    public String code() {
        return code;
    }

    /** INFO for what is expected (sign-in, logout, expiry), WARN for a refusal or a policy at work. */
    public Level level() {
        return level;
    }

    /** The fields every line of this event has, {@code event} first. */
    public List<AuditField> always() {
        return always;
    }

    /** The fields some lines of this event have. */
    public Set<AuditField> sometimes() {
        return sometimes;
    }

    /** Whether a line of this event may carry {@code field}. */
    public boolean declares(AuditField field) {
        return always.contains(field) || sometimes.contains(field);
    }
}
