package dev.portcullis.saml;

/**
 * Why a SAML message was refused. The code is stable: it appears in audit lines, in the log next to
 * the correlation id the user sees, and in the README's troubleshooting table, and tests assert it.
 * The description is for operators; users only ever see "Sign-in failed" and a correlation id.
 */
public enum SamlErrorCode {

    IDP_METADATA_EXPIRED("idp_metadata_expired", "The IdP metadata in use has passed its validUntil (or, with"
            + " idpCertificateExpiry=refuse, every signing certificate in it has expired) and no refresh has succeeded;"
            + " no sign-in or IdP logout message is accepted until one does (see the warnings in the log)."),
    MISSING_RESPONSE("missing_response", "The ACS received no SAMLResponse (a GET, or a POST without the field)."),
    RESPONSE_TOO_LARGE("response_too_large", "The SAMLResponse is larger than maxResponseSize."),
    MALFORMED_RESPONSE_DATA("malformed_response_data", "The message is not base64 (or DEFLATE), not well-formed XML,"
            + " or not the SAML 2.0 message expected there."),
    DTD_NOT_ALLOWED("dtd_not_allowed", "The message contains a DOCTYPE; DTDs and entities are never processed."),
    INVALID_ASSERTION_COUNT("invalid_assertion_count", "The Response must carry exactly one Assertion, as a direct child."),
    ASSERTION_NOT_ENCRYPTED("assertion_not_encrypted", "wantAssertionsEncrypted is true but the Assertion arrived"
            + " in plain text."),
    DECRYPTION_FAILED("decryption_failed", "An encrypted Assertion, NameID or attribute cannot be decrypted with the SP's"
            + " keys (is the IdP using the certificate from the current SP metadata?)."),
    UNSUPPORTED_ENCRYPTION_ALGORITHM("unsupported_encryption_algorithm", "The IdP encrypted with an algorithm that is"
            + " not allowed (AES-GCM/AES-CBC with RSA-OAEP; RSA 1.5 needs allowRsa15KeyTransport=true)."),
    MISSING_SIGNATURE("missing_signature", "A required signature is absent (by default the Assertion must be signed;"
            + " wantResponsesSigned requires the Response's own signature too)."),
    INVALID_SIGNATURE("invalid_signature", "A signature does not verify with the IdP's signing keys from its metadata,"
            + " or does not follow the SAML signature profile."),
    UNSUPPORTED_SIGNATURE_ALGORITHM("unsupported_signature_algorithm", "A signature or digest algorithm is not on the"
            + " allowed list (SHA-1 needs allowSha1=true)."),
    INVALID_SIGNATURE_REFERENCE("invalid_signature_reference", "The signature does not reference exactly the element"
            + " that contains it, or that element's ID is not unique."),
    INVALID_DESTINATION("invalid_destination", "Response Destination differs from this SP's ACS URL (check"
            + " externalBaseUrl and the ACS URL registered at the IdP)."),
    UNKNOWN_RELAY_STATE("unknown_relay_state", "The RelayState is no sign-in this valve started, the sign-in"
            + " took longer than loginRequestTimeout, or it was already completed."),
    UNSOLICITED_RESPONSE("unsolicited_response", "An IdP-initiated response arrived and allowUnsolicitedResponses is false."),
    INVALID_IN_RESPONSE_TO("invalid_in_response_to", "InResponseTo does not match the AuthnRequest this sign-in started with."),
    INVALID_ISSUE_INSTANT("invalid_issue_instant", "The Response IssueInstant is in the future or older than"
            + " maxResponseAge (check the clocks)."),
    INVALID_ISSUER("invalid_issuer", "The Issuer is not the IdP entityID from the metadata."),
    STATUS_NOT_SUCCESS("status_not_success", "The IdP reported a failure status (the log shows which)."),
    INVALID_SUBJECT("invalid_subject", "The Assertion (or LogoutRequest) has no usable NameID: none, empty, longer"
            + " than 1024 characters, with control characters, or made for another SP (its SPNameQualifier)."),
    INVALID_SUBJECT_CONFIRMATION("invalid_subject_confirmation", "No bearer SubjectConfirmation is valid"
            + " (method, NotOnOrAfter, InResponseTo)."),
    INVALID_RECIPIENT("invalid_recipient", "SubjectConfirmationData Recipient differs from this SP's ACS URL."),
    ASSERTION_EXPIRED("assertion_expired", "The Assertion's NotOnOrAfter has passed (check the clocks, or clockSkew)."),
    ASSERTION_NOT_YET_VALID("assertion_not_yet_valid", "The Assertion's NotBefore is in the future (check the clocks)."),
    INVALID_AUDIENCE("invalid_audience", "The AudienceRestriction does not name this SP's entityID, or there is none"
            + " (the detail says when the Assertion has no Conditions at all)."),
    MISSING_AUTHN_STATEMENT("missing_authn_statement", "The Assertion has no AuthnStatement."),
    SESSION_NOT_ON_OR_AFTER_PASSED("session_not_on_or_after_passed", "The IdP's SessionNotOnOrAfter has already passed."),
    REPLAYED_ASSERTION("replayed_assertion", "This Assertion ID was used before."),
    ISSUED_BEFORE_REPLAY_WINDOW("issued_before_replay_window", "The Assertion (or the IdP's LogoutRequest) was issued"
            + " before the replay cache's memory begins: its state store started since (a restart of Tomcat with heap"
            + " caches, or of the Terracotta server), so whether it was used before cannot be known. Signing in again"
            + " works; if it keeps happening, the IdP's clock is behind this server's."),
    AUTHN_CONTEXT_NOT_SATISFIED("authn_context_not_satisfied", "The sign-in did not use an authentication method"
            + " this page requires (stepUpAuthnContext or requestedAuthnContext), such as multi-factor."),
    LOGOUT_REQUEST_EXPIRED("logout_request_expired", "The IdP's LogoutRequest NotOnOrAfter has passed."),
    REPLAYED_LOGOUT_REQUEST("replayed_logout_request", "This LogoutRequest ID was used before."),
    UNEXPECTED_MESSAGE("unexpected_message", "The Single Logout endpoint received something other than a"
            + " LogoutRequest or LogoutResponse, or a LogoutResponse to no logout started here."),
    MISSING_PRINCIPAL("missing_principal", "The attribute named by principalAttribute is absent or empty.");

    private final String code;
    private final String description;

    SamlErrorCode(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable, lower-case code. */
    public String code() {
        return code;
    }

    /** What it means and what to check, for operators. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return code;
    }
}
