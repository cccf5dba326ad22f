package dev.portcullis.devidp;

/**
 * Why the development IdP refused a request. Each reason has a fixed public text, shown on the 400
 * page; the precise detail (expected against actual) goes to the log only, and no input is ever
 * echoed back.
 */
public enum Rejection {
    MISSING_REQUEST("The request carries no SAML message."),
    MALFORMED_REQUEST("The SAML message could not be decoded and parsed as XML."),
    NOT_AUTHN_REQUEST("The SAMLRequest is not a SAML 2.0 AuthnRequest."),
    UNSIGNED_REQUEST("The SAML message is not signed, and this IdP requires signed messages."),
    UNSUPPORTED_ALGORITHM("The SAML message is signed with an algorithm this IdP does not accept."),
    INVALID_SIGNATURE("The SAML message's signature does not verify against the configured SP certificate."),
    WRONG_ISSUER("The SAML message's Issuer is not the service provider this IdP serves."),
    WRONG_ACS_URL("The AuthnRequest asks for an AssertionConsumerServiceURL this IdP does not know."),
    WRONG_DESTINATION("The SAML message's Destination is not this IdP's endpoint."),
    UNSUPPORTED_BINDING("The AuthnRequest asks for a response binding other than HTTP-POST."),
    UNKNOWN_STATE("This sign-in is unknown or has expired. Start again from the application."),
    TOO_MANY_PENDING("Too many sign-ins are in progress. Try again in a few minutes."),
    NOT_LOGOUT_MESSAGE("The SAML message is not a SAML 2.0 LogoutRequest or LogoutResponse."),
    STALE_MESSAGE("The SAML message's IssueInstant is missing, in the future or too old."),
    REPLAYED_MESSAGE("This SAML message has been received before."),
    MISSING_NAME_ID("The LogoutRequest names no NameID."),
    UNKNOWN_LOGOUT("This sign-out is unknown, already answered or has expired."),
    WRONG_IN_RESPONSE_TO("The LogoutResponse does not answer the LogoutRequest this IdP sent."),
    SLO_NOT_CONFIGURED("Single Logout needs the SP certificate, and this IdP has none configured."),
    UNKNOWN_USER("There is no user of that name at this IdP.");

    private final String publicMessage;

    Rejection(String publicMessage) {
        this.publicMessage = publicMessage;
    }

    /** The fixed text shown to the browser. */
    public String publicMessage() {
        return publicMessage;
    }
}
