package dev.portcullis.pac4j;

import java.io.Serial;

import org.pac4j.core.exception.http.OkAction;

import dev.portcullis.saml.OutboundMessage;

/** A SAML message to deliver with the HTTP-POST binding: the adapter renders the self-submitting form. */
public final class AutoPostAction extends OkAction {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient OutboundMessage message;

    public AutoPostAction(OutboundMessage message) {
        super("");
        this.message = message;
    }

    public OutboundMessage message() {
        return message;
    }
}
