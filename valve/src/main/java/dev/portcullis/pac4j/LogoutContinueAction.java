package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.exception.http.OkAction;

import dev.portcullis.saml.OutboundMessage;

/**
 * The page between a local logout and the IdP: it says the user is already signed out of the
 * applications here, then continues to the IdP with the LogoutRequest. If the IdP never answers, the
 * user has still been told the truth about what ended.
 */
public final class LogoutContinueAction extends OkAction {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient OutboundMessage message;

    public LogoutContinueAction(OutboundMessage message) {
        super("");
        this.message = message;
    }

    public OutboundMessage message() {
        return message;
    }
}
