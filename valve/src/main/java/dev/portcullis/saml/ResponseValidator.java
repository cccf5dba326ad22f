package dev.portcullis.saml;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Validates a SAML 2.0 Response received at the Assertion Consumer Service (HTTP-POST binding). Each
 * step is one method with one error code; the order is fixed, and nothing is read from an element
 * before the signature covering it has been verified:
 * <ol>
 *   <li>{@link #decode}: bounded size, strict base64 ({@code response_too_large}, {@code malformed_response_data});</li>
 *   <li>{@link #parse}: no DOCTYPE, no entities ({@code dtd_not_allowed});</li>
 *   <li>{@link #requireResponse}: a SAML 2.0 Response element as the root;</li>
 *   <li>{@link #requireSingleAssertion}: exactly one Assertion in the whole document, a direct child of
 *       the Response ({@code invalid_assertion_count});</li>
 *   <li>{@link #verifySignatures}: Response and/or Assertion signature with the IdP's metadata keys;
 *       the Assertion must be signed unless {@code wantAssertionsSigned=false} ({@code missing_signature},
 *       {@code invalid_signature}, ...);</li>
 *   <li>{@link #checkDestination}: equals the ACS URL;</li>
 *   <li>{@link #checkInResponseTo}: equals the ID of the AuthnRequest the RelayState points to;
 *       unsolicited responses only when enabled;</li>
 *   <li>{@link #checkIssueInstant}: not in the future, not older than {@code maxResponseAge};</li>
 *   <li>{@link #checkResponseIssuer}: absent or the IdP entityID;</li>
 *   <li>{@link #checkStatus}: Success;</li>
 *   <li>{@link #checkAssertionIssuer}: the IdP entityID;</li>
 *   <li>{@link #readSubject}: a NameID, read as its whole text;</li>
 *   <li>{@link #checkSubjectConfirmation}: a bearer confirmation with Recipient = ACS URL, valid
 *       NotOnOrAfter, matching InResponseTo;</li>
 *   <li>{@link #checkConditions}: NotBefore / NotOnOrAfter with the clock skew;</li>
 *   <li>{@link #checkAudience}: every AudienceRestriction names this SP;</li>
 *   <li>{@link #readAuthnStatement}: present, SessionNotOnOrAfter not passed;</li>
 *   <li>{@link #readAttributes};</li>
 *   <li>{@link #checkReplay}: the Assertion ID was never consumed; recorded until it expires. Last, so
 *       a message refused for any other reason does not occupy the cache.</li>
 * </ol>
 * "Now" is read once per message from the injected clock. Immutable and thread-safe.
 */
public final class ResponseValidator {

    /**
     * The service provider's side of the contract.
     *
     * @param acsUrl               Destination and Recipient must equal it
     * @param spEntityId           an Audience must equal it
     * @param wantAssertionsSigned require the Assertion's own signature
     * @param clockSkew            tolerance on every time comparison
     * @param maxResponseAge       oldest IssueInstant accepted
     * @param maxResponseSize      largest decoded message, in bytes
     * @param allowUnsolicited     accept responses to no AuthnRequest
     */
    public record Options(String acsUrl, String spEntityId, boolean wantAssertionsSigned, Duration clockSkew,
                          Duration maxResponseAge, int maxResponseSize, boolean allowUnsolicited) {
    }

    private final Options options;
    private final String idpEntityId;
    private final SignatureValidator signatures;
    private final ReplayCache replayCache;
    private final SecureXml xml;
    private final Clock clock;

    public ResponseValidator(Options options, IdpMetadata idp, AlgorithmPolicy algorithms, ReplayCache replayCache,
                             SecureXml xml, Clock clock) {
        this.options = options;
        this.idpEntityId = idp.entityId();
        this.signatures = new SignatureValidator(idp.signingKeys(), algorithms);
        this.replayCache = replayCache;
        this.xml = xml;
        this.clock = clock;
    }

    /**
     * Validates the {@code SAMLResponse} form field.
     *
     * @param samlResponse      the base64 field as received
     * @param expectedRequestId the ID of the AuthnRequest this sign-in started with, or null when
     *                          there is none (an IdP-initiated response)
     */
    public ValidatedAssertion validate(String samlResponse, String expectedRequestId) throws SamlValidationException {
        Instant now = clock.instant();
        byte[] bytes = decode(samlResponse);
        Document document = parse(bytes);
        Element response = requireResponse(document);
        Element assertion = requireSingleAssertion(document, response);
        boolean responseSigned = verifySignatures(response, assertion);
        checkDestination(response, responseSigned);
        String inResponseTo = checkInResponseTo(response, expectedRequestId);
        checkIssueInstant(response, now);
        checkResponseIssuer(response);
        checkStatus(response);

        checkAssertionIssuer(assertion);
        Element nameId = readSubject(assertion);
        Instant confirmationExpiry = checkSubjectConfirmation(assertion, inResponseTo, now);
        Instant conditionsExpiry = checkConditions(assertion, now);
        checkAudience(assertion);
        Element authnStatement = readAuthnStatement(assertion, now);
        Map<String, List<String>> attributes = readAttributes(assertion);
        String assertionId = Dom.attribute(assertion, "ID");
        Instant acceptedUntil = conditionsExpiry != null && conditionsExpiry.isBefore(confirmationExpiry)
                ? conditionsExpiry : confirmationExpiry;
        checkReplay(assertionId, acceptedUntil.plus(options.clockSkew()));

        Element classRef = authnContextClassRef(authnStatement);
        return new ValidatedAssertion(idpEntityId, assertionId, Dom.text(nameId, SamlErrorCode.INVALID_SUBJECT).strip(),
                Dom.attribute(nameId, "Format"), Dom.attribute(nameId, "NameQualifier"),
                Dom.attribute(nameId, "SPNameQualifier"), Dom.attribute(authnStatement, "SessionIndex"),
                Dom.instant(authnStatement, "AuthnInstant"),
                classRef == null ? null : Dom.text(classRef, SamlErrorCode.MALFORMED_RESPONSE_DATA).strip(),
                Dom.instant(authnStatement, "SessionNotOnOrAfter"), attributes, inResponseTo);
    }

    // ------------------------------------------------------------------ message

    byte[] decode(String samlResponse) throws SamlValidationException {
        if (samlResponse == null || samlResponse.isBlank()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_RESPONSE, "no SAMLResponse field");
        }
        // Base64 is 4/3 of the data plus optional line breaks; twice the limit bounds the work before decoding.
        if (samlResponse.length() > 2L * options.maxResponseSize()) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "SAMLResponse field has "
                    + samlResponse.length() + " characters [limit " + options.maxResponseSize() + " bytes decoded]");
        }
        StringBuilder compact = new StringBuilder(samlResponse.length());
        for (int i = 0; i < samlResponse.length(); i++) {
            char c = samlResponse.charAt(i);
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                compact.append(c);
            }
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(compact.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "SAMLResponse is not base64");
        }
        if (bytes.length > options.maxResponseSize()) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "SAMLResponse has " + bytes.length
                    + " bytes [limit " + options.maxResponseSize() + "]");
        }
        return bytes;
    }

    Document parse(byte[] bytes) throws SamlValidationException {
        return xml.parse(bytes);
    }

    Element requireResponse(Document document) throws SamlValidationException {
        Element root = document.getDocumentElement();
        if (!SamlConstants.PROTOCOL_NS.equals(root.getNamespaceURI()) || !"Response".equals(root.getLocalName())) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "root element is ["
                    + root.getNamespaceURI() + " " + root.getLocalName() + "], not a SAML 2.0 Response");
        }
        if (!"2.0".equals(Dom.attribute(root, "Version"))) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "Response Version is ["
                    + SecureXml.truncate(Dom.attribute(root, "Version")) + "], not 2.0");
        }
        return root;
    }

    Element requireSingleAssertion(Document document, Element response) throws SamlValidationException {
        NodeList assertions = document.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "Assertion");
        NodeList encrypted = document.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "EncryptedAssertion");
        if (assertions.getLength() == 0 && encrypted.getLength() == 0) {
            // An error response carries no assertion; its status says more than "no assertion" would.
            // The status is only logged here, it is not trusted for anything.
            checkStatus(response);
        }
        if (encrypted.getLength() > 0) {
            throw new SamlValidationException(SamlErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED, "Response carries "
                    + encrypted.getLength() + " EncryptedAssertion");
        }
        if (assertions.getLength() != 1) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ASSERTION_COUNT, "document has "
                    + assertions.getLength() + " Assertion elements [expected 1]");
        }
        Element assertion = (Element) assertions.item(0);
        if (assertion.getParentNode() != response) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ASSERTION_COUNT, "the Assertion is inside ["
                    + assertion.getParentNode().getLocalName() + "], not a direct child of the Response");
        }
        if (!"2.0".equals(Dom.attribute(assertion, "Version"))) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "Assertion Version is not 2.0");
        }
        String id = Dom.attribute(assertion, "ID");
        if (id == null || id.isBlank() || id.length() > 256) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "Assertion ID is missing or longer than 256");
        }
        return assertion;
    }

    /** @return whether the Response itself is signed */
    boolean verifySignatures(Element response, Element assertion) throws SamlValidationException {
        boolean responseSigned = signatures.verifyIfPresent(response);
        boolean assertionSigned = signatures.verifyIfPresent(assertion);
        if (options.wantAssertionsSigned() && !assertionSigned) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "the Assertion is not signed"
                    + (responseSigned ? " (only the Response is; set wantAssertionsSigned=false to accept that)" : ""));
        }
        if (!responseSigned && !assertionSigned) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "neither the Response nor the Assertion is signed");
        }
        return responseSigned;
    }

    // ------------------------------------------------------------------ response

    void checkDestination(Element response, boolean responseSigned) throws SamlValidationException {
        String destination = Dom.attribute(response, "Destination");
        if (destination == null) {
            // saml-bindings-2.0-os 3.5.5.2: a signed message MUST carry Destination.
            if (responseSigned) {
                throw new SamlValidationException(SamlErrorCode.INVALID_DESTINATION, "signed Response has no Destination");
            }
            return;
        }
        if (!options.acsUrl().equals(destination)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_DESTINATION, "Destination [" + SecureXml.truncate(destination)
                    + "] expected [" + options.acsUrl() + "]");
        }
    }

    /** @return the InResponseTo value that the subject confirmation must also carry, or null */
    String checkInResponseTo(Element response, String expectedRequestId) throws SamlValidationException {
        String inResponseTo = Dom.attribute(response, "InResponseTo");
        if (expectedRequestId != null) {
            if (!expectedRequestId.equals(inResponseTo)) {
                throw new SamlValidationException(SamlErrorCode.INVALID_IN_RESPONSE_TO, "InResponseTo ["
                        + SecureXml.truncate(inResponseTo) + "] expected [" + expectedRequestId + "]");
            }
            return inResponseTo;
        }
        if (!options.allowUnsolicited()) {
            throw new SamlValidationException(SamlErrorCode.UNSOLICITED_RESPONSE, "no pending AuthnRequest for this"
                    + " response (InResponseTo [" + SecureXml.truncate(inResponseTo) + "]) and allowUnsolicitedResponses=false");
        }
        if (inResponseTo != null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_IN_RESPONSE_TO, "InResponseTo ["
                    + SecureXml.truncate(inResponseTo) + "] answers a request this SP has no record of");
        }
        return null;
    }

    void checkIssueInstant(Element response, Instant now) throws SamlValidationException {
        Instant issued = Dom.instant(response, "IssueInstant");
        if (issued == null) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "Response has no IssueInstant");
        }
        if (issued.isAfter(now.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ISSUE_INSTANT, "IssueInstant [" + issued
                    + "] is in the future [now " + now + ", skew " + options.clockSkew() + "]");
        }
        if (issued.plus(options.maxResponseAge()).plus(options.clockSkew()).isBefore(now)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ISSUE_INSTANT, "IssueInstant [" + issued
                    + "] is older than maxResponseAge [now " + now + ", max age " + options.maxResponseAge() + "]");
        }
    }

    void checkResponseIssuer(Element response) throws SamlValidationException {
        Element issuer = Dom.optionalChild(response, SamlConstants.ASSERTION_NS, "Issuer", SamlErrorCode.INVALID_ISSUER);
        if (issuer != null) {
            checkIssuer("Response", issuer);
        }
    }

    void checkStatus(Element response) throws SamlValidationException {
        Element status = Dom.requiredChild(response, SamlConstants.PROTOCOL_NS, "Status", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        Element code = Dom.requiredChild(status, SamlConstants.PROTOCOL_NS, "StatusCode", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        String value = Dom.attribute(code, "Value");
        if (!SamlConstants.STATUS_SUCCESS.equals(value)) {
            Element second = Dom.optionalChild(code, SamlConstants.PROTOCOL_NS, "StatusCode", SamlErrorCode.MALFORMED_RESPONSE_DATA);
            Element message = Dom.optionalChild(status, SamlConstants.PROTOCOL_NS, "StatusMessage", SamlErrorCode.MALFORMED_RESPONSE_DATA);
            throw new SamlValidationException(SamlErrorCode.STATUS_NOT_SUCCESS, "status [" + SecureXml.truncate(value) + "]"
                    + (second == null ? "" : " [" + SecureXml.truncate(Dom.attribute(second, "Value")) + "]")
                    + (message == null ? "" : " message [" + SecureXml.truncate(message.getTextContent()) + "]"));
        }
    }

    // ------------------------------------------------------------------ assertion

    void checkAssertionIssuer(Element assertion) throws SamlValidationException {
        checkIssuer("Assertion", Dom.requiredChild(assertion, SamlConstants.ASSERTION_NS, "Issuer", SamlErrorCode.INVALID_ISSUER));
    }

    private void checkIssuer(String where, Element issuer) throws SamlValidationException {
        String format = Dom.attribute(issuer, "Format");
        if (format != null && !SamlConstants.ENTITY_FORMAT.equals(format)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ISSUER, where + " Issuer Format ["
                    + SecureXml.truncate(format) + "] is not the entity format");
        }
        String value = Dom.text(issuer, SamlErrorCode.INVALID_ISSUER).strip();
        if (!idpEntityId.equals(value)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ISSUER, where + " Issuer [" + SecureXml.truncate(value)
                    + "] expected [" + idpEntityId + "]");
        }
    }

    Element readSubject(Element assertion) throws SamlValidationException {
        Element subject = Dom.requiredChild(assertion, SamlConstants.ASSERTION_NS, "Subject", SamlErrorCode.INVALID_SUBJECT);
        if (!Dom.children(subject, SamlConstants.ASSERTION_NS, "EncryptedID").isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "the NameID is encrypted (EncryptedID),"
                    + " which this version does not decrypt");
        }
        Element nameId = Dom.requiredChild(subject, SamlConstants.ASSERTION_NS, "NameID", SamlErrorCode.INVALID_SUBJECT);
        String value = Dom.text(nameId, SamlErrorCode.INVALID_SUBJECT).strip();
        if (value.isEmpty() || value.length() > 1024 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "NameID is empty, longer than 1024 or"
                    + " contains control characters");
        }
        return nameId;
    }

    /** @return the NotOnOrAfter of the bearer confirmation that was accepted */
    Instant checkSubjectConfirmation(Element assertion, String inResponseTo, Instant now) throws SamlValidationException {
        Element subject = Dom.requiredChild(assertion, SamlConstants.ASSERTION_NS, "Subject", SamlErrorCode.INVALID_SUBJECT);
        SamlValidationException first = null;
        for (Element confirmation : Dom.children(subject, SamlConstants.ASSERTION_NS, "SubjectConfirmation")) {
            if (!SamlConstants.BEARER.equals(Dom.attribute(confirmation, "Method"))) {
                continue;
            }
            try {
                return checkBearer(confirmation, inResponseTo, now);
            } catch (SamlValidationException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT_CONFIRMATION, "no bearer SubjectConfirmation");
    }

    private Instant checkBearer(Element confirmation, String inResponseTo, Instant now) throws SamlValidationException {
        Element data = Dom.requiredChild(confirmation, SamlConstants.ASSERTION_NS, "SubjectConfirmationData",
                SamlErrorCode.INVALID_SUBJECT_CONFIRMATION);
        String recipient = Dom.attribute(data, "Recipient");
        if (!options.acsUrl().equals(recipient)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_RECIPIENT, "Recipient [" + SecureXml.truncate(recipient)
                    + "] expected [" + options.acsUrl() + "]");
        }
        Instant notOnOrAfter = Dom.instant(data, "NotOnOrAfter");
        if (notOnOrAfter == null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT_CONFIRMATION,
                    "bearer SubjectConfirmationData has no NotOnOrAfter");
        }
        if (!now.isBefore(notOnOrAfter.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.ASSERTION_EXPIRED, "SubjectConfirmationData NotOnOrAfter ["
                    + notOnOrAfter + "] has passed [now " + now + ", skew " + options.clockSkew() + "]");
        }
        Instant notBefore = Dom.instant(data, "NotBefore");
        if (notBefore != null && notBefore.isAfter(now.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.ASSERTION_NOT_YET_VALID, "SubjectConfirmationData NotBefore ["
                    + notBefore + "] is in the future [now " + now + "]");
        }
        String confirmationInResponseTo = Dom.attribute(data, "InResponseTo");
        if (inResponseTo == null ? confirmationInResponseTo != null : !inResponseTo.equals(confirmationInResponseTo)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_IN_RESPONSE_TO, "SubjectConfirmationData InResponseTo ["
                    + SecureXml.truncate(confirmationInResponseTo) + "] expected [" + inResponseTo + "]");
        }
        return notOnOrAfter;
    }

    /** @return Conditions NotOnOrAfter, or null when absent */
    Instant checkConditions(Element assertion, Instant now) throws SamlValidationException {
        Element conditions = Dom.requiredChild(assertion, SamlConstants.ASSERTION_NS, "Conditions", SamlErrorCode.INVALID_AUDIENCE);
        Instant notBefore = Dom.instant(conditions, "NotBefore");
        if (notBefore != null && notBefore.isAfter(now.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.ASSERTION_NOT_YET_VALID, "Conditions NotBefore [" + notBefore
                    + "] is in the future [now " + now + ", skew " + options.clockSkew() + "]");
        }
        Instant notOnOrAfter = Dom.instant(conditions, "NotOnOrAfter");
        if (notOnOrAfter != null && !now.isBefore(notOnOrAfter.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.ASSERTION_EXPIRED, "Conditions NotOnOrAfter [" + notOnOrAfter
                    + "] has passed [now " + now + ", skew " + options.clockSkew() + "]");
        }
        return notOnOrAfter;
    }

    void checkAudience(Element assertion) throws SamlValidationException {
        Element conditions = Dom.requiredChild(assertion, SamlConstants.ASSERTION_NS, "Conditions", SamlErrorCode.INVALID_AUDIENCE);
        List<Element> restrictions = Dom.children(conditions, SamlConstants.ASSERTION_NS, "AudienceRestriction");
        if (restrictions.isEmpty()) {
            // saml-profiles-2.0-os 4.1.4.2: a bearer assertion for Web SSO MUST carry an AudienceRestriction.
            throw new SamlValidationException(SamlErrorCode.INVALID_AUDIENCE, "no AudienceRestriction");
        }
        // saml-core-2.0-os 2.5.1.4: several AudienceRestrictions must all be satisfied.
        for (Element restriction : restrictions) {
            List<String> audiences = new ArrayList<>();
            for (Element audience : Dom.children(restriction, SamlConstants.ASSERTION_NS, "Audience")) {
                audiences.add(Dom.text(audience, SamlErrorCode.INVALID_AUDIENCE).strip());
            }
            if (!audiences.contains(options.spEntityId())) {
                throw new SamlValidationException(SamlErrorCode.INVALID_AUDIENCE, "Audience " + truncate(audiences)
                        + " expected [" + options.spEntityId() + "]");
            }
        }
    }

    Element readAuthnStatement(Element assertion, Instant now) throws SamlValidationException {
        List<Element> statements = Dom.children(assertion, SamlConstants.ASSERTION_NS, "AuthnStatement");
        if (statements.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_AUTHN_STATEMENT, "no AuthnStatement");
        }
        Element statement = statements.get(0);
        if (Dom.instant(statement, "AuthnInstant") == null) {
            throw new SamlValidationException(SamlErrorCode.MISSING_AUTHN_STATEMENT, "AuthnStatement has no AuthnInstant");
        }
        Instant sessionNotOnOrAfter = Dom.instant(statement, "SessionNotOnOrAfter");
        if (sessionNotOnOrAfter != null && !now.isBefore(sessionNotOnOrAfter.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.SESSION_NOT_ON_OR_AFTER_PASSED, "SessionNotOnOrAfter ["
                    + sessionNotOnOrAfter + "] has passed [now " + now + "]");
        }
        return statement;
    }

    private static Element authnContextClassRef(Element statement) throws SamlValidationException {
        Element context = Dom.optionalChild(statement, SamlConstants.ASSERTION_NS, "AuthnContext", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        return context == null ? null
                : Dom.optionalChild(context, SamlConstants.ASSERTION_NS, "AuthnContextClassRef", SamlErrorCode.MALFORMED_RESPONSE_DATA);
    }

    Map<String, List<String>> readAttributes(Element assertion) throws SamlValidationException {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Element statement : Dom.children(assertion, SamlConstants.ASSERTION_NS, "AttributeStatement")) {
            if (!Dom.children(statement, SamlConstants.ASSERTION_NS, "EncryptedAttribute").isEmpty()) {
                throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "EncryptedAttribute is not"
                        + " supported in this version");
            }
            for (Element attribute : Dom.children(statement, SamlConstants.ASSERTION_NS, "Attribute")) {
                String name = Dom.attribute(attribute, "Name");
                if (name == null || name.isBlank()) {
                    throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "an Attribute has no Name");
                }
                List<String> values = attributes.computeIfAbsent(name, n -> new ArrayList<>());
                for (Element value : Dom.children(attribute, SamlConstants.ASSERTION_NS, "AttributeValue")) {
                    values.add(attributeValue(value));
                }
            }
        }
        return attributes;
    }

    /**
     * An AttributeValue's whole text (see {@link Dom#text}); a structured value (an xsi:type with
     * element content, such as a NameID) is read as the text of its descendants.
     */
    private static String attributeValue(Element value) {
        return value.getTextContent().strip();
    }

    void checkReplay(String assertionId, Instant keepUntil) throws SamlValidationException {
        if (!replayCache.firstUse(idpEntityId + "\n" + assertionId, keepUntil)) {
            throw new SamlValidationException(SamlErrorCode.REPLAYED_ASSERTION, "Assertion ID [" + SecureXml.truncate(assertionId)
                    + "] was already used");
        }
    }

    private static String truncate(List<String> values) {
        return SecureXml.truncate(values.toString());
    }
}
