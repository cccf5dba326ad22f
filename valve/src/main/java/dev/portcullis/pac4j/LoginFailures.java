package dev.portcullis.pac4j;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.pac4j.core.context.WebContext;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.audit.CorrelationIds;
import dev.portcullis.saml.SamlValidationException;

/**
 * Turns a refused message into the three things that must happen together: the precise reason in
 * the log, one audit line with the error code, and the 403 page with the same correlation id.
 * Thread-safe.
 */
public final class LoginFailures {

    private static final Logger LOG = LogManager.getLogger("dev.portcullis.saml");

    private final AuditLog audit;
    private final CorrelationIds correlationIds;

    public LoginFailures(AuditLog audit, CorrelationIds correlationIds) {
        this.audit = audit;
        this.correlationIds = correlationIds;
    }

    public String newCorrelationId() {
        return correlationIds.next();
    }

    public LoginFailedAction refuse(WebContext context, SamlValidationException e, String idp, String correlationId) {
        return refuse(context, e.code().code(), e.detail(), idp, correlationId);
    }

    /**
     * The same for any protocol: {@code code} is the refusal's stable error code, {@code detail} the precise
     * private reason (expected vs actual), which only the log gets.
     */
    public LoginFailedAction refuse(WebContext context, String code, String detail, String idp, String correlationId) {
        LOG.warn("Sign-in refused [{}] correlation [{}]: {}", code, correlationId, detail);
        audit.loginFailure(code, idp, context.getRemoteAddr(), correlationId);
        return new LoginFailedAction(correlationId, code);
    }
}
