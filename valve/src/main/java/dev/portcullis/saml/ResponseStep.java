package dev.portcullis.saml;

import java.util.List;
import java.util.Set;

/**
 * Every rule a SAML Response must pass before Portcullis lets a user in, in the order they run. This
 * is the one list: {@link ResponseValidator#validate} (the valve's ACS) runs it to the first failure,
 * {@link ResponseValidator#diagnose} (saml-inspect) runs every step whose prerequisites passed, and
 * the README's "What a Response must pass" and docs/SECURITY.md are checked against it by a test.
 *
 * <p>Each step has a stable {@link #key()} (printed by saml-inspect, named in the docs), says in
 * plain words {@link #what()} it checks, and declares the earlier steps whose results it needs
 * ({@link #prerequisites()}); a step can only name steps declared before it, which the compiler
 * enforces. Nothing is read from an element before the signature covering it has been verified: the
 * signature steps come before every step that reads the Response's or the Assertion's content, and
 * an encrypted Assertion is read only after its own signature (or the Response's, which covers the
 * ciphertext) has been verified. Each failure carries a {@link SamlErrorCode}.
 */
public enum ResponseStep {

    /** The metadata in use has not passed its {@code validUntil} (refreshes keep trying meanwhile): {@code idp_metadata_expired}. */
    IDP_METADATA("idp-metadata", "the IdP metadata in use has not passed its validUntil",
            (v, m) -> v.checkMetadataValidity(m)),
    /** Present, bounded before and after decoding, strict base64: {@code missing_response}, {@code response_too_large}, {@code malformed_response_data}. */
    SIZE("size", "the message is base64 and not too large",
            (v, m) -> v.decode(m)),
    /** {@link SecureXml}: no DOCTYPE, no entities, bounded depth: {@code dtd_not_allowed}, {@code malformed_response_data}. */
    XML("xml", "the message is well-formed XML without DOCTYPE or entities",
            (v, m) -> v.parse(m), SIZE),
    /** A SAML 2.0 protocol Response, Version 2.0, with an ID ({@link MessageEnvelope#root}). */
    RESPONSE("response", "the root element is a SAML 2.0 Response",
            (v, m) -> v.requireResponse(m), XML),
    /**
     * Exactly one Assertion or EncryptedAssertion in the whole document, a direct child of the
     * Response (signature wrapping puts a second one elsewhere): {@code invalid_assertion_count}.
     */
    ASSERTION_COUNT("assertion-count", "there is exactly one Assertion, a direct child of the Response",
            (v, m) -> v.requireSingleAssertion(m), RESPONSE),
    /**
     * A Response signature, if present, verifies with the IdP metadata's keys only
     * ({@link SignatureValidator}); with {@code wantResponsesSigned} it must be present.
     */
    RESPONSE_SIGNATURE("response-signature", "the Response signature, if present (required by wantResponsesSigned), is valid",
            (v, m) -> v.verifyResponseSignature(m), true, RESPONSE),
    /**
     * An EncryptedAssertion decrypts with the SP's keys ({@link Decrypter}); a plain one is refused
     * when {@code wantAssertionsEncrypted}: {@code decryption_failed}, {@code assertion_not_encrypted}.
     */
    DECRYPTION("decryption", "an encrypted Assertion decrypts with the SP key",
            (v, m) -> v.decryptAssertion(m), ASSERTION_COUNT),
    /**
     * The Assertion's signature, if present, verifies; it must be present unless
     * {@code wantAssertionsSigned=false}, and then the Response's must have verified:
     * {@code missing_signature}, {@code invalid_signature}, ...
     */
    ASSERTION_SIGNATURE("assertion-signature", "the Assertion is signed by the IdP (or covered by a signed Response)",
            (v, m) -> v.verifyAssertionSignature(m), true, DECRYPTION),
    /** Destination is the ACS URL; required when the Response is signed: {@code invalid_destination}. */
    DESTINATION("destination", "Destination is this SP's ACS URL",
            (v, m) -> v.checkDestination(m), RESPONSE),
    /**
     * InResponseTo is the ID of the AuthnRequest this sign-in started with; without one, an unsolicited
     * Response only when allowed: {@code invalid_in_response_to}, {@code unsolicited_response}.
     */
    IN_RESPONSE_TO("in-response-to", "InResponseTo answers the AuthnRequest this sign-in started with",
            (v, m) -> v.checkInResponseTo(m), RESPONSE),
    /** Not in the future, not older than {@code maxResponseAge}, with {@code clockSkew}: {@code invalid_issue_instant}. */
    ISSUE_INSTANT("issue-instant", "IssueInstant is recent and not in the future",
            (v, m) -> v.checkIssueInstant(m), RESPONSE),
    /** Absent, or the IdP entityID in the entity Format: {@code invalid_issuer}. */
    RESPONSE_ISSUER("response-issuer", "the Response Issuer, if present, is the IdP",
            (v, m) -> v.checkResponseIssuer(m), RESPONSE),
    /** Top-level StatusCode Success: {@code status_not_success}. */
    STATUS("status", "the IdP reports Success",
            (v, m) -> v.checkStatus(m), RESPONSE),
    /** The IdP entityID in the entity Format: {@code invalid_issuer}. */
    ASSERTION_ISSUER("assertion-issuer", "the Assertion Issuer is the IdP",
            (v, m) -> v.checkAssertionIssuer(m), DECRYPTION),
    /**
     * One NameID (decrypted if it is an EncryptedID), read as its whole text, not empty, at most 1024
     * characters, no control characters, an SPNameQualifier naming this SP ({@link MessageEnvelope#readNameId}):
     * {@code invalid_subject}.
     */
    SUBJECT("subject", "the Subject has a usable NameID made for this SP",
            (v, m) -> v.readSubject(m), DECRYPTION),
    /**
     * A bearer SubjectConfirmation with Recipient = the ACS URL, NotOnOrAfter not passed, NotBefore
     * not in the future and the InResponseTo checked above; when none is valid, each one's failure is
     * reported: {@code invalid_subject_confirmation}, {@code invalid_recipient}, {@code assertion_expired}, ...
     */
    SUBJECT_CONFIRMATION("subject-confirmation", "a bearer confirmation names this ACS, is current and answers the request",
            (v, m) -> v.checkSubjectConfirmation(m), DECRYPTION),
    /** Conditions NotBefore / NotOnOrAfter with {@code clockSkew}: {@code assertion_not_yet_valid}, {@code assertion_expired}. */
    CONDITIONS("conditions", "the Assertion is within its validity window",
            (v, m) -> v.checkConditions(m), DECRYPTION),
    /**
     * Conditions carry at least one AudienceRestriction and every one names this SP's entityID
     * (saml-profiles-2.0-os 4.1.4.2, saml-core-2.0-os 2.5.1.4): {@code invalid_audience}.
     */
    AUDIENCE("audience", "an AudienceRestriction is present and names this SP",
            (v, m) -> v.checkAudience(m), DECRYPTION),
    /** An AuthnStatement with an AuthnInstant, SessionNotOnOrAfter not passed: {@code missing_authn_statement}, ... */
    AUTHN_STATEMENT("authn-statement", "there is an AuthnStatement whose session has not ended",
            (v, m) -> v.readAuthnStatement(m), DECRYPTION),
    /** Attributes read as their whole text, EncryptedAttributes decrypted. */
    ATTRIBUTES("attributes", "the attributes can be read",
            (v, m) -> v.readAttributes(m), DECRYPTION),
    /**
     * The AuthnContextClassRef is one of {@code stepUpAuthnContext} (a step-up sign-in) or
     * {@code requestedAuthnContext} (any other), when that list is not empty: {@code authn_context_not_satisfied}.
     */
    AUTHN_CONTEXT("authn-context", "the sign-in used an authentication method this sign-in requires",
            (v, m) -> v.checkAuthnContext(m), AUTHN_STATEMENT),
    /** The user name: the NameID, or the first non-blank value of {@code principalAttribute}: {@code missing_principal}. */
    PRINCIPAL("principal", "the user name can be taken (the NameID or principalAttribute)",
            (v, m) -> v.readPrincipal(m), SUBJECT, ATTRIBUTES),
    /**
     * The Assertion ID was never consumed; recorded until the Assertion can no longer be accepted. Last,
     * so that a message refused for any other reason does not occupy the cache: {@code replayed_assertion}.
     */
    REPLAY("replay", "the Assertion was not used before",
            (v, m) -> v.checkReplay(m), SUBJECT_CONFIRMATION, CONDITIONS);

    /** One step's check, run against the message's state so far. */
    @FunctionalInterface
    interface Check {
        void apply(ResponseValidator validator, ResponseValidator.Message message) throws SamlValidationException;
    }

    /** All steps, in order, without the copy {@code values()} makes on every call. */
    static final List<ResponseStep> ALL = List.of(values());

    private final String key;
    private final String what;
    private final Check check;
    private final boolean signature;
    private final Set<ResponseStep> prerequisites;

    ResponseStep(String key, String what, Check check, ResponseStep... prerequisites) {
        this(key, what, check, false, prerequisites);
    }

    ResponseStep(String key, String what, Check check, boolean signature, ResponseStep... prerequisites) {
        this.key = key;
        this.what = what;
        this.check = check;
        this.signature = signature;
        // Not an EnumSet: the enum is still being initialised here.
        this.prerequisites = Set.of(prerequisites);
    }

    /** The stable name, such as {@code audience}: printed by saml-inspect and used in the docs. */
    public String key() {
        return key;
    }

    /** What the step checks, in plain words. */
    public String what() {
        return what;
    }

    /** The earlier steps whose results this one reads; it runs only when they passed. */
    public Set<ResponseStep> prerequisites() {
        return prerequisites;
    }

    /** Whether this step verifies a signature: when it fails, what later steps read is no longer the IdP's word. */
    public boolean verifiesSignature() {
        return signature;
    }

    void run(ResponseValidator validator, ResponseValidator.Message message) throws SamlValidationException {
        check.apply(validator, message);
    }
}
