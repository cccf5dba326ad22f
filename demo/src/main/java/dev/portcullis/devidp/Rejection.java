package dev.portcullis.devidp;

/**
 * Why the development IdP refused a request. Each reason has a fixed public text, shown on the 400
 * page; the precise detail (expected against actual) goes to the log only, and no input is ever
 * echoed back.
 */
public enum Rejection {
    MISSING_REQUEST("The request carries no SAMLRequest."),
    MALFORMED_REQUEST("The SAMLRequest could not be decoded and parsed as an XML AuthnRequest."),
    NOT_AUTHN_REQUEST("The SAMLRequest is not a SAML 2.0 AuthnRequest."),
    UNSIGNED_REQUEST("The AuthnRequest is not signed, and this IdP requires signed requests."),
    UNSUPPORTED_ALGORITHM("The AuthnRequest is signed with an algorithm this IdP does not accept."),
    INVALID_SIGNATURE("The AuthnRequest signature does not verify against the configured SP certificate."),
    WRONG_ISSUER("The AuthnRequest's Issuer is not the service provider this IdP serves."),
    WRONG_ACS_URL("The AuthnRequest asks for an AssertionConsumerServiceURL this IdP does not know."),
    WRONG_DESTINATION("The AuthnRequest's Destination is not this IdP's SSO endpoint."),
    UNSUPPORTED_BINDING("The AuthnRequest asks for a response binding other than HTTP-POST."),
    UNKNOWN_STATE("This sign-in is unknown or has expired. Start again from the application."),
    TOO_MANY_PENDING("Too many sign-ins are in progress. Try again in a few minutes.");

    private final String publicMessage;

    Rejection(String publicMessage) {
        this.publicMessage = publicMessage;
    }

    /** The fixed text shown to the browser. */
    public String publicMessage() {
        return publicMessage;
    }
}
