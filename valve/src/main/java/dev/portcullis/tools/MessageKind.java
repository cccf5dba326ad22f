package dev.portcullis.tools;

import org.w3c.dom.Element;

import dev.portcullis.saml.SamlConstants;

/** What a document is, by its root element. Only a {@link #RESPONSE} can be validated. */
enum MessageKind {

    RESPONSE("SAML 2.0 Response"),
    AUTHN_REQUEST("SAML 2.0 AuthnRequest"),
    LOGOUT_REQUEST("SAML 2.0 LogoutRequest"),
    LOGOUT_RESPONSE("SAML 2.0 LogoutResponse"),
    ASSERTION("SAML 2.0 Assertion (on its own, not inside a Response)"),
    METADATA("SAML 2.0 metadata"),
    /** Another SAML 2.0 protocol, assertion or metadata element: printed only. */
    OTHER("another SAML 2.0 element (printed only)"),
    /** Not SAML 2.0 at all. */
    NOT_SAML("not SAML 2.0");

    private final String label;

    MessageKind(String label) {
        this.label = label;
    }

    /** In words, for the report. */
    String label() {
        return label;
    }

    static MessageKind of(Element root) {
        String ns = root.getNamespaceURI();
        String name = root.getLocalName();
        if (SamlConstants.PROTOCOL_NS.equals(ns)) {
            return switch (name) {
                case "Response" -> RESPONSE;
                case "AuthnRequest" -> AUTHN_REQUEST;
                case "LogoutRequest" -> LOGOUT_REQUEST;
                case "LogoutResponse" -> LOGOUT_RESPONSE;
                default -> OTHER;
            };
        }
        if (SamlConstants.ASSERTION_NS.equals(ns) && "Assertion".equals(name)) {
            return ASSERTION;
        }
        if (SamlConstants.METADATA_NS.equals(ns) && ("EntityDescriptor".equals(name) || "EntitiesDescriptor".equals(name))) {
            return METADATA;
        }
        if (SamlConstants.PROTOCOL_NS.equals(ns) || SamlConstants.ASSERTION_NS.equals(ns) || SamlConstants.METADATA_NS.equals(ns)) {
            return OTHER;
        }
        return NOT_SAML;
    }
}
