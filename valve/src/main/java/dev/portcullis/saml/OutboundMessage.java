package dev.portcullis.saml;

import java.util.Map;

/**
 * A SAML message ready to leave through the browser: either a redirect URL (HTTP-Redirect binding)
 * or a form to post (HTTP-POST binding).
 *
 * @param binding  {@link SamlConstants#REDIRECT_BINDING} or {@link SamlConstants#POST_BINDING}
 * @param location the endpoint; for the Redirect binding the complete URL with its query
 * @param fields   the form fields for the POST binding (empty for Redirect), in order
 */
public record OutboundMessage(String binding, String location, Map<String, String> fields) {

    public OutboundMessage {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    public boolean isRedirect() {
        return SamlConstants.REDIRECT_BINDING.equals(binding);
    }
}
