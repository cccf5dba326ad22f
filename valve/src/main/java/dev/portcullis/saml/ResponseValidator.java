package dev.portcullis.saml;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Validates a SAML 2.0 Response received at the Assertion Consumer Service (HTTP-POST binding). The
 * checks are the named {@link #STEPS}, run in this fixed order, each with its own error code; nothing
 * is read from an element before the signature covering it has been verified, and an encrypted
 * assertion is only read after its signature (or the enclosing Response's) has been verified:
 * <ol>
 *   <li>{@code size}: bounded size, strict base64 ({@code response_too_large}, {@code malformed_response_data});</li>
 *   <li>{@code xml}: no DOCTYPE, no entities, bounded depth ({@code dtd_not_allowed});</li>
 *   <li>{@code response}: a SAML 2.0 Response element as the root;</li>
 *   <li>{@code assertion-count}: exactly one Assertion or EncryptedAssertion in the whole document, a
 *       direct child of the Response ({@code invalid_assertion_count});</li>
 *   <li>{@code response-signature}: if the Response is signed, the signature is valid, by the IdP's
 *       metadata keys only;</li>
 *   <li>{@code decryption}: an EncryptedAssertion is decrypted with the SP's keys; a plain one is
 *       refused when {@code wantAssertionsEncrypted};</li>
 *   <li>{@code assertion-signature}: if the Assertion is signed, the signature is valid; the Assertion
 *       must be signed unless {@code wantAssertionsSigned=false}, and something must be
 *       ({@code missing_signature}, {@code invalid_signature}, ...);</li>
 *   <li>{@code destination}: equals the ACS URL;</li>
 *   <li>{@code in-response-to}: equals the ID of the AuthnRequest the RelayState points to;
 *       unsolicited responses only when enabled;</li>
 *   <li>{@code issue-instant}: not in the future, not older than {@code maxResponseAge};</li>
 *   <li>{@code response-issuer}: absent or the IdP entityID;</li>
 *   <li>{@code status}: Success;</li>
 *   <li>{@code assertion-issuer}: the IdP entityID;</li>
 *   <li>{@code subject}: a NameID (decrypted if it is an EncryptedID), read as its whole text;</li>
 *   <li>{@code subject-confirmation}: a bearer confirmation with Recipient = ACS URL, valid
 *       NotOnOrAfter, matching InResponseTo;</li>
 *   <li>{@code conditions}: NotBefore / NotOnOrAfter with the clock skew;</li>
 *   <li>{@code audience}: every AudienceRestriction names this SP;</li>
 *   <li>{@code authn-statement}: present, SessionNotOnOrAfter not passed;</li>
 *   <li>{@code attributes}: read (EncryptedAttributes decrypted);</li>
 *   <li>{@code replay}: the Assertion ID was never consumed; recorded until it expires. Last, so a
 *       message refused for any other reason does not occupy the cache.</li>
 * </ol>
 * {@link #validate} stops at the first failure. {@link #diagnose} (for the offline inspection tool)
 * runs every step it can and reports each outcome. "Now" is read once per message from the
 * injected clock. Immutable and thread-safe.
 */
public final class ResponseValidator {

    /**
     * The service provider's side of the contract.
     *
     * @param acsUrl                  Destination and Recipient must equal it
     * @param spEntityId              an Audience must equal it
     * @param wantAssertionsSigned    require the Assertion's own signature
     * @param wantAssertionsEncrypted require the Assertion to arrive encrypted
     * @param clockSkew               tolerance on every time comparison
     * @param maxResponseAge          oldest IssueInstant accepted
     * @param maxResponseSize         largest decoded message, in bytes
     * @param allowUnsolicited        accept responses to no AuthnRequest
     */
    public record Options(String acsUrl, String spEntityId, boolean wantAssertionsSigned, boolean wantAssertionsEncrypted,
                          Duration clockSkew, Duration maxResponseAge, int maxResponseSize, boolean allowUnsolicited) {
    }

    /** One named check. A blocking step's failure leaves later steps nothing to work on. */
    private record Step(String name, String what, boolean blocking, Check check) {
    }

    @FunctionalInterface
    private interface Check {
        void apply(ResponseValidator v, Message m) throws SamlValidationException;
    }

    /** The steps, in the order they run. */
    private static final List<Step> STEPS = List.of(
            new Step("size", "the message is base64 and not too large", true, (v, m) -> m.bytes = v.decode(m.field)),
            new Step("xml", "the message is well-formed XML without DOCTYPE or entities", true,
                    (v, m) -> m.document = v.xml.parse(m.bytes)),
            new Step("response", "the root element is a SAML 2.0 Response", true,
                    (v, m) -> m.response = v.requireResponse(m.document)),
            new Step("assertion-count", "there is exactly one Assertion, a direct child of the Response", true,
                    (v, m) -> v.requireSingleAssertion(m)),
            new Step("response-signature", "a Response signature, if present, is valid", false,
                    (v, m) -> m.responseSigned = v.signatures.verifyIfPresent(m.response)),
            new Step("decryption", "an encrypted Assertion decrypts with the SP key", true, (v, m) -> v.decryptAssertion(m)),
            new Step("assertion-signature", "the Assertion is signed by the IdP (or covered by a signed Response)", false,
                    (v, m) -> v.verifyAssertionSignature(m)),
            new Step("destination", "Destination is this SP's ACS URL", false,
                    (v, m) -> v.checkDestination(m.response, m.responseSigned)),
            new Step("in-response-to", "InResponseTo answers the AuthnRequest this sign-in started with", false,
                    (v, m) -> m.inResponseTo = v.checkInResponseTo(m.response, m.expectedRequestId)),
            new Step("issue-instant", "IssueInstant is recent and not in the future", false,
                    (v, m) -> v.checkIssueInstant(m.response, m.now)),
            new Step("response-issuer", "the Response Issuer, if present, is the IdP", false,
                    (v, m) -> v.checkResponseIssuer(m.response)),
            new Step("status", "the IdP reports Success", false, (v, m) -> v.checkStatus(m.response)),
            new Step("assertion-issuer", "the Assertion Issuer is the IdP", false, (v, m) -> v.checkAssertionIssuer(m.assertion)),
            new Step("subject", "the Subject has a usable NameID", false, (v, m) -> m.nameId = v.readSubject(m.assertion)),
            new Step("subject-confirmation", "a bearer confirmation names this ACS, is current and answers the request", false,
                    (v, m) -> m.confirmationExpiry = v.checkSubjectConfirmation(m.assertion, m.expectedInResponseTo(), m.now)),
            new Step("conditions", "the Assertion is within its validity window", false,
                    (v, m) -> m.conditionsExpiry = v.checkConditions(m.assertion, m.now)),
            new Step("audience", "the AudienceRestriction names this SP", false, (v, m) -> v.checkAudience(m.assertion)),
            new Step("authn-statement", "there is an AuthnStatement whose session has not ended", false,
                    (v, m) -> m.authnStatement = v.readAuthnStatement(m.assertion, m.now)),
            new Step("attributes", "the attributes can be read", false, (v, m) -> m.attributes = v.readAttributes(m.assertion)),
            new Step("replay", "the Assertion was not used before", false, (v, m) -> v.checkReplay(m)));

    private final Options options;
    private final String idpEntityId;
    private final SignatureValidator signatures;
    private final Decrypter decrypter;
    private final ReplayCache replayCache;
    private final SecureXml xml;
    private final Clock clock;

    /**
     * @param decrypter decrypts encrypted assertions, NameIDs and attributes; null when the SP has no key
     *                  for that (encrypted content is then refused)
     */
    public ResponseValidator(Options options, IdpMetadata idp, AlgorithmPolicy algorithms, Decrypter decrypter,
                             ReplayCache replayCache, SecureXml xml, Clock clock) {
        this.options = options;
        this.idpEntityId = idp.entityId();
        this.signatures = new SignatureValidator(idp.signingKeys(), algorithms);
        this.decrypter = decrypter;
        this.replayCache = replayCache;
        this.xml = xml;
        this.clock = clock;
    }

    /**
     * Validates the {@code SAMLResponse} form field, stopping at the first failure.
     *
     * @param samlResponse      the base64 field as received
     * @param expectedRequestId the ID of the AuthnRequest this sign-in started with, or null when
     *                          there is none (an IdP-initiated response)
     */
    public ValidatedAssertion validate(String samlResponse, String expectedRequestId) throws SamlValidationException {
        Message m = new Message(samlResponse, expectedRequestId, clock.instant());
        for (Step step : STEPS) {
            step.check().apply(this, m);
        }
        return m.result(idpEntityId);
    }

    /** Outcome of one step in a {@link Diagnosis}. */
    public enum Outcome { PASSED, FAILED, SKIPPED }

    /**
     * What one step found.
     *
     * @param step    the step's name, such as {@code audience}
     * @param what    what the step checks, in plain words
     * @param outcome passed, failed, or skipped because an earlier step left it nothing to check
     * @param failure the refusal, when failed
     */
    public record StepResult(String step, String what, Outcome outcome, SamlValidationException failure) {
    }

    /**
     * A full report: every step, and the validated assertion when all passed.
     *
     * @param steps  the steps in order
     * @param result the assertion, or null if any step failed
     */
    public record Diagnosis(List<StepResult> steps, ValidatedAssertion result) {
        public boolean valid() {
            return result != null;
        }
    }

    /**
     * Runs every step that can run, for offline diagnosis; the first failure is what
     * {@link #validate} would report. After a failed signature step the content is untrusted:
     * later steps then say what the message claims, not what the IdP said.
     */
    public Diagnosis diagnose(String samlResponse, String expectedRequestId) {
        Message m = new Message(samlResponse, expectedRequestId, clock.instant());
        List<StepResult> results = new ArrayList<>();
        boolean blocked = false;
        boolean failed = false;
        for (Step step : STEPS) {
            if (blocked || !m.canRun(step.name())) {
                results.add(new StepResult(step.name(), step.what(), Outcome.SKIPPED, null));
                continue;
            }
            try {
                step.check().apply(this, m);
                results.add(new StepResult(step.name(), step.what(), Outcome.PASSED, null));
            } catch (SamlValidationException e) {
                failed = true;
                results.add(new StepResult(step.name(), step.what(), Outcome.FAILED, e));
                blocked = step.blocking();
            } catch (RuntimeException e) {
                failed = true;
                results.add(new StepResult(step.name(), step.what(), Outcome.FAILED,
                        new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, e.toString())));
                blocked = true;
            }
        }
        ValidatedAssertion result = null;
        if (!failed) {
            try {
                result = m.result(idpEntityId);
            } catch (SamlValidationException e) {
                result = null;
            }
        }
        return new Diagnosis(List.copyOf(results), result);
    }

    /** Mutable state of one message as the steps work through it. */
    private static final class Message {
        final String field;
        final String expectedRequestId;
        final Instant now;
        byte[] bytes;
        Document document;
        Element response;
        Element assertion;
        Element encryptedAssertion;
        boolean responseSigned;
        boolean assertionSigned;
        String inResponseTo;
        boolean inResponseToChecked;
        Element nameId;
        Instant confirmationExpiry;
        Instant conditionsExpiry;
        Element authnStatement;
        Map<String, List<String>> attributes;

        Message(String field, String expectedRequestId, Instant now) {
            this.field = field;
            this.expectedRequestId = expectedRequestId;
            this.now = now;
        }

        /** Prerequisites a step needs from earlier ones (diagnosis only; validate stops at the first failure). */
        boolean canRun(String step) {
            return switch (step) {
                case "assertion-issuer", "subject", "conditions", "audience", "authn-statement", "attributes" -> assertion != null;
                case "subject-confirmation" -> assertion != null;
                case "replay" -> assertion != null && confirmationExpiry != null;
                default -> true;
            };
        }

        /** The InResponseTo the bearer confirmation must carry: the checked one, else what was expected. */
        String expectedInResponseTo() {
            return inResponseTo != null ? inResponseTo : expectedRequestId;
        }

        ValidatedAssertion result(String issuer) throws SamlValidationException {
            Element classRef = authnContextClassRef(authnStatement);
            return new ValidatedAssertion(issuer, Dom.attribute(assertion, "ID"),
                    Dom.text(nameId, SamlErrorCode.INVALID_SUBJECT).strip(), Dom.attribute(nameId, "Format"),
                    Dom.attribute(nameId, "NameQualifier"), Dom.attribute(nameId, "SPNameQualifier"),
                    Dom.attribute(authnStatement, "SessionIndex"), Dom.instant(authnStatement, "AuthnInstant"),
                    classRef == null ? null : Dom.text(classRef, SamlErrorCode.MALFORMED_RESPONSE_DATA).strip(),
                    Dom.instant(authnStatement, "SessionNotOnOrAfter"), attributes, inResponseTo);
        }
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
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Bytes(samlResponse));
        } catch (IllegalArgumentException e) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "SAMLResponse is not base64");
        }
        if (bytes.length > options.maxResponseSize()) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "SAMLResponse has " + bytes.length
                    + " bytes [limit " + options.maxResponseSize() + "]");
        }
        return bytes;
    }

    /**
     * The field as bytes without the line breaks and spaces some IdPs insert, in one copy (the field is
     * base64, so Latin-1 is exact; any other character becomes '?' and fails the strict decoder).
     */
    private static byte[] base64Bytes(String field) {
        byte[] b = field.getBytes(StandardCharsets.ISO_8859_1);
        int k = 0;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                b[k++] = c;
            }
        }
        return k == b.length ? b : Arrays.copyOf(b, k);
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

    private void requireSingleAssertion(Message m) throws SamlValidationException {
        // One walk over the whole document for both names (two getElementsByTagNameNS lists walk it twice).
        List<Element> assertions = new ArrayList<>(1);
        List<Element> encrypted = new ArrayList<>(1);
        for (Node n = m.document.getDocumentElement(); n != null; n = nextInDocumentOrder(n)) {
            if (n.getNodeType() == Node.ELEMENT_NODE && SamlConstants.ASSERTION_NS.equals(n.getNamespaceURI())) {
                if ("Assertion".equals(n.getLocalName())) {
                    assertions.add((Element) n);
                } else if ("EncryptedAssertion".equals(n.getLocalName())) {
                    encrypted.add((Element) n);
                }
            }
        }
        int count = assertions.size() + encrypted.size();
        if (count == 0) {
            // An error response carries no assertion; its status says more than "no assertion" would.
            // The status is only logged here, it is not trusted for anything.
            checkStatus(m.response);
        }
        if (count != 1) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ASSERTION_COUNT, "document has "
                    + assertions.size() + " Assertion and " + encrypted.size()
                    + " EncryptedAssertion elements [expected 1 in all]");
        }
        Element found = assertions.size() == 1 ? assertions.get(0) : encrypted.get(0);
        if (found.getParentNode() != m.response) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ASSERTION_COUNT, "the " + found.getLocalName()
                    + " is inside [" + found.getParentNode().getLocalName() + "], not a direct child of the Response");
        }
        if (assertions.size() == 1) {
            m.assertion = checkAssertionHeader(found);
        } else {
            m.encryptedAssertion = found;
        }
    }

    /** The next node after {@code n} in document order (pre-order), or null at the end. */
    private static Node nextInDocumentOrder(Node n) {
        Node next = n.getFirstChild();
        if (next != null) {
            return next;
        }
        for (Node up = n; up != null; up = up.getParentNode()) {
            next = up.getNextSibling();
            if (next != null) {
                return next;
            }
        }
        return null;
    }

    private static Element checkAssertionHeader(Element assertion) throws SamlValidationException {
        if (!"2.0".equals(Dom.attribute(assertion, "Version"))) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "Assertion Version is not 2.0");
        }
        String id = Dom.attribute(assertion, "ID");
        if (id == null || id.isBlank() || id.length() > 256) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "Assertion ID is missing or longer than 256");
        }
        return assertion;
    }

    /**
     * Decrypts an EncryptedAssertion into an Assertion of its own document. If the Response was not
     * signed, nothing in the plaintext is trusted until {@link #verifyAssertionSignature} has verified
     * the decrypted Assertion's own signature.
     */
    private void decryptAssertion(Message m) throws SamlValidationException {
        if (m.encryptedAssertion == null) {
            if (options.wantAssertionsEncrypted()) {
                throw new SamlValidationException(SamlErrorCode.ASSERTION_NOT_ENCRYPTED,
                        "the Assertion arrived in plain text and wantAssertionsEncrypted=true");
            }
            return;
        }
        if (decrypter == null || !decrypter.hasKeys()) {
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "received an EncryptedAssertion but no RSA"
                    + " SP key is configured to decrypt it");
        }
        m.assertion = checkAssertionHeader(decrypter.decrypt(m.encryptedAssertion, "Assertion"));
    }

    private void verifyAssertionSignature(Message m) throws SamlValidationException {
        m.assertionSigned = signatures.verifyIfPresent(m.assertion);
        if (options.wantAssertionsSigned() && !m.assertionSigned) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "the Assertion is not signed"
                    + (m.responseSigned ? " (only the Response is; set wantAssertionsSigned=false to accept that)" : ""));
        }
        if (!m.responseSigned && !m.assertionSigned) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "neither the Response nor the Assertion is signed");
        }
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
        Element encryptedId = Dom.optionalChild(subject, SamlConstants.ASSERTION_NS, "EncryptedID", SamlErrorCode.INVALID_SUBJECT);
        Element nameId = Dom.optionalChild(subject, SamlConstants.ASSERTION_NS, "NameID", SamlErrorCode.INVALID_SUBJECT);
        if (encryptedId != null && nameId != null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "the Subject has both a NameID and an EncryptedID");
        }
        if (encryptedId != null) {
            // The assertion's signature, verified before this step, covers the ciphertext.
            if (decrypter == null) {
                throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "EncryptedID but no SP key to decrypt it");
            }
            nameId = decrypter.decrypt(encryptedId, "NameID");
        }
        if (nameId == null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "the Subject has no NameID");
        }
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
                throw new SamlValidationException(SamlErrorCode.INVALID_AUDIENCE, "Audience " + SecureXml.truncate(audiences.toString())
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
            List<Element> all = new ArrayList<>(Dom.children(statement, SamlConstants.ASSERTION_NS, "Attribute"));
            for (Element encrypted : Dom.children(statement, SamlConstants.ASSERTION_NS, "EncryptedAttribute")) {
                if (decrypter == null) {
                    throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "EncryptedAttribute but no SP key to decrypt it");
                }
                all.add(decrypter.decrypt(encrypted, "Attribute"));
            }
            for (Element attribute : all) {
                String name = Dom.attribute(attribute, "Name");
                if (name == null || name.isBlank()) {
                    throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "an Attribute has no Name");
                }
                List<String> values = attributes.computeIfAbsent(name, n -> new ArrayList<>());
                for (Element value : Dom.children(attribute, SamlConstants.ASSERTION_NS, "AttributeValue")) {
                    // The whole text, as for NameID: an injected comment cannot shorten a value.
                    values.add(value.getTextContent().strip());
                }
            }
        }
        return attributes;
    }

    private void checkReplay(Message m) throws SamlValidationException {
        Instant acceptedUntil = m.conditionsExpiry != null && m.conditionsExpiry.isBefore(m.confirmationExpiry)
                ? m.conditionsExpiry : m.confirmationExpiry;
        String assertionId = Dom.attribute(m.assertion, "ID");
        if (!replayCache.firstUse(idpEntityId + "\n" + assertionId, Dom.instant(m.assertion, "IssueInstant"), acceptedUntil.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.REPLAYED_ASSERTION, "Assertion ID [" + SecureXml.truncate(assertionId)
                    + "] was already used");
        }
    }
}
