package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.exception.http.HttpAction;

/**
 * A refused sign-in: HTTP 403 with a plain page showing only the correlation id. The error code and
 * the precise reason are in the log under the same id.
 */
public final class LoginFailedAction extends HttpAction {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String correlationId;
    private final String errorCode;

    /** @param errorCode the refusal's stable code, as the log and the audit line name it */
    public LoginFailedAction(String correlationId, String errorCode) {
        super(403);
        this.correlationId = correlationId;
        this.errorCode = errorCode;
    }

    public String correlationId() {
        return correlationId;
    }

    public String errorCode() {
        return errorCode;
    }
}
