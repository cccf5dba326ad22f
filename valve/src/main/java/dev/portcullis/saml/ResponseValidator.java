package dev.portcullis.saml;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Validates a SAML 2.0 Response received at the Assertion Consumer Service (HTTP-POST binding) by
 * running the {@link ResponseStep}s, the one list of every rule a Response must pass, in their fixed
 * order. {@link #validate} stops at the first failure (the valve); {@link #diagnose} runs every step
 * whose prerequisites passed and reports each outcome (saml-inspect). Both run the same step objects
 * against the same state, so the tool cannot say VALID where the valve refuses. "Now" is read once
 * per message from the injected clock. Immutable and thread-safe.
 */
public final class ResponseValidator {

    /**
     * The service provider's side of the contract.
     *
     * @param acsUrl                  Destination and Recipient must equal it
     * @param spEntityId              an Audience must equal it, and an SPNameQualifier when present
     * @param wantAssertionsSigned    require the Assertion's own signature
     * @param wantAssertionsEncrypted require the Assertion to arrive encrypted
     * @param clockSkew               tolerance on every time comparison
     * @param maxResponseAge          oldest IssueInstant accepted
     * @param maxResponseSize         largest decoded message, in bytes
     * @param allowUnsolicited        accept responses to no AuthnRequest
     * @param wantResponsesSigned     require the Response's own signature
     * @param requestedAuthnContext   AuthnContextClassRefs every sign-in must have used (empty: any)
     * @param stepUpAuthnContext      AuthnContextClassRefs a step-up sign-in must have used (empty: any)
     * @param principalAttribute      attribute whose first value is the user name, or null for the NameID
     */
    public record Options(String acsUrl, String spEntityId, boolean wantAssertionsSigned, boolean wantAssertionsEncrypted,
                          Duration clockSkew, Duration maxResponseAge, int maxResponseSize, boolean allowUnsolicited,
                          boolean wantResponsesSigned, List<String> requestedAuthnContext, List<String> stepUpAuthnContext,
                          String principalAttribute) {

        public Options {
            requestedAuthnContext = List.copyOf(requestedAuthnContext);
            stepUpAuthnContext = List.copyOf(stepUpAuthnContext);
        }

        /** The ACS contract alone: Response signature optional, no AuthnContext required, the NameID as user name. */
        public Options(String acsUrl, String spEntityId, boolean wantAssertionsSigned, boolean wantAssertionsEncrypted,
                       Duration clockSkew, Duration maxResponseAge, int maxResponseSize, boolean allowUnsolicited) {
            this(acsUrl, spEntityId, wantAssertionsSigned, wantAssertionsEncrypted, clockSkew, maxResponseAge, maxResponseSize,
                    allowUnsolicited, false, List.of(), List.of(), null);
        }
    }

    /** What a signature step found. */
    enum Signature { ABSENT, VERIFIED, REFUSED }

    private final Options options;
    private final IdpMetadata idp;
    private final String idpEntityId;
    private final SignatureValidator signatures;
    private final Decrypter decrypter;
    /** Why the decrypter is missing, for a diagnosis that cannot decrypt; null in the valve. */
    private final String decryptionUnavailable;
    private final ReplayCache replayCache;
    private final SecureXml xml;
    private final MessageEnvelope envelope;
    private final Clock clock;

    /**
     * @param decrypter decrypts encrypted assertions, NameIDs and attributes; null when the SP has no key
     *                  for that (encrypted content is then refused)
     */
    public ResponseValidator(Options options, IdpMetadata idp, AlgorithmPolicy algorithms, Decrypter decrypter,
                             ReplayCache replayCache, SecureXml xml, Clock clock) {
        this(options, idp, new SignatureValidator(idp.signingKeys(), algorithms), decrypter, null, replayCache, xml, clock);
    }

    private ResponseValidator(Options options, IdpMetadata idp, SignatureValidator signatures, Decrypter decrypter,
                              String decryptionUnavailable, ReplayCache replayCache, SecureXml xml, Clock clock) {
        this.options = options;
        this.idp = idp;
        this.idpEntityId = idp.entityId();
        this.signatures = signatures;
        this.decrypter = decrypter;
        this.decryptionUnavailable = decryptionUnavailable;
        this.replayCache = replayCache;
        this.xml = xml;
        this.envelope = new MessageEnvelope(idpEntityId, options.spEntityId(), options.clockSkew(), options.maxResponseAge());
        this.clock = clock;
    }

    /**
     * The same validator without a decrypter, for a diagnosis where the SP key cannot be used (saml-inspect
     * given a key the valve would refuse): encrypted content is then reported as not checked, with this
     * reason, instead of as a refusal. {@link #validate} still refuses it.
     */
    public ResponseValidator withoutDecryption(String reason) {
        return new ResponseValidator(options, idp, signatures, null, reason, replayCache, xml, clock);
    }

    public Options options() {
        return options;
    }

    /**
     * Validates one Response, stopping at the first failure.
     *
     * @throws SamlValidationException the first step that failed, with its code and a precise detail
     */
    public ValidatedAssertion validate(ResponseInput input) throws SamlValidationException {
        Message m = new Message(input, clock.instant());
        try {
            for (ResponseStep step : ResponseStep.ALL) {
                step.run(this, m);
            }
        } catch (NotChecked e) {
            // Only a diagnosis may leave a check undone; validating, it is a refusal.
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, e.getMessage());
        }
        return m.result(idpEntityId);
    }

    /** {@link #validate} of an ordinary sign-in: the form field and the expected AuthnRequest ID (null: unsolicited). */
    public ValidatedAssertion validate(String samlResponse, String expectedRequestId) throws SamlValidationException {
        return validate(ResponseInput.signIn(samlResponse, expectedRequestId));
    }

    /** Outcome of one step in a {@link Diagnosis}. */
    public enum Outcome {
        PASSED,
        FAILED,
        /** Not run: a prerequisite did not pass. */
        SKIPPED,
        /** Not run to the end: something it needs is unavailable here (such as a usable SP key). */
        NOT_CHECKED
    }

    /**
     * What one step found.
     *
     * @param step      the step
     * @param outcome   passed, failed, skipped or not checked
     * @param failure   the refusal, when failed
     * @param note      why it was skipped or not checked, or why a failed signature step is only a policy's
     *                  refusal, else null
     * @param untrusted the step ran after a signature failed, so it checked what the message claims, not
     *                  what the IdP said
     */
    public record StepResult(ResponseStep step, Outcome outcome, SamlValidationException failure, String note,
                             boolean untrusted) {
    }

    /**
     * A full report: every step, and the validated assertion when all passed.
     *
     * @param steps  the steps in order
     * @param result the assertion, or null if any step did not pass
     */
    public record Diagnosis(List<StepResult> steps, ValidatedAssertion result) {
        public boolean valid() {
            return result != null;
        }

        /** The first failure, which is what {@link #validate} reports, or null. */
        public StepResult firstFailure() {
            return steps.stream().filter(s -> s.outcome() == Outcome.FAILED).findFirst().orElse(null);
        }

        /** Steps that could not be checked here. */
        public List<StepResult> notChecked() {
            return steps.stream().filter(s -> s.outcome() == Outcome.NOT_CHECKED).toList();
        }
    }

    /**
     * Runs every step whose prerequisites passed, for offline diagnosis; the first failure is what
     * {@link #validate} would report. After a signature step failed, unless another verified signature
     * covers the content and the failure is only a policy's (an unsigned element that must be signed),
     * later steps are marked untrusted: they say what the message claims, not what the IdP said.
     */
    public Diagnosis diagnose(ResponseInput input) {
        Message m = new Message(input, clock.instant());
        Map<ResponseStep, Outcome> outcomes = new EnumMap<>(ResponseStep.class);
        List<StepResult> results = new ArrayList<>(ResponseStep.ALL.size());
        int firstSignatureFailure = -1;
        for (ResponseStep step : ResponseStep.ALL) {
            List<String> missing = step.prerequisites().stream().filter(p -> outcomes.get(p) != Outcome.PASSED)
                    .map(ResponseStep::key).toList();
            Outcome outcome;
            SamlValidationException failure = null;
            String note = null;
            if (!missing.isEmpty()) {
                outcome = Outcome.SKIPPED;
                note = "needs " + String.join(", ", missing);
            } else {
                try {
                    step.run(this, m);
                    outcome = Outcome.PASSED;
                } catch (SamlValidationException e) {
                    outcome = Outcome.FAILED;
                    failure = e;
                } catch (NotChecked e) {
                    outcome = Outcome.NOT_CHECKED;
                    note = e.getMessage();
                } catch (RuntimeException e) {
                    // A bug or a parser surprise: reported as the refusal it is in the valve (which fails closed).
                    outcome = Outcome.FAILED;
                    failure = new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, "the " + step.key()
                            + " check could not complete [" + e.getClass().getSimpleName() + "]");
                }
            }
            outcomes.put(step, outcome);
            if (step.verifiesSignature() && outcome == Outcome.FAILED && firstSignatureFailure < 0) {
                firstSignatureFailure = results.size();
            }
            results.add(new StepResult(step, outcome, failure, note, false));
        }
        if (firstSignatureFailure >= 0 && !m.contentAuthentic()) {
            for (int i = firstSignatureFailure + 1; i < results.size(); i++) {
                StepResult r = results.get(i);
                results.set(i, new StepResult(r.step(), r.outcome(), r.failure(), r.note(), true));
            }
        } else if (firstSignatureFailure >= 0) {
            // Only a signing policy refused: the other signature verified and covers the content.
            for (int i = firstSignatureFailure; i < results.size(); i++) {
                StepResult r = results.get(i);
                if (r.step().verifiesSignature() && r.outcome() == Outcome.FAILED) {
                    results.set(i, new StepResult(r.step(), r.outcome(), r.failure(), policyNote(r.step()), false));
                }
            }
        }
        ValidatedAssertion result = null;
        if (outcomes.values().stream().allMatch(o -> o == Outcome.PASSED)) {
            try {
                result = m.result(idpEntityId);
            } catch (SamlValidationException e) {
                result = null;
            }
        }
        return new Diagnosis(List.copyOf(results), result);
    }

    private static String policyNote(ResponseStep step) {
        return step == ResponseStep.ASSERTION_SIGNATURE
                ? "the Response signature verified, so the content is the IdP's; only wantAssertionsSigned=true refuses"
                + " an Assertion that is not signed itself"
                : "the Assertion signature verified, so its content is the IdP's; only wantResponsesSigned=true refuses"
                + " a Response that is not signed itself";
    }

    /** A check that cannot be made here (see {@link #withoutDecryption}); never thrown in the valve. */
    static final class NotChecked extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotChecked(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The state of one message as the steps work through it: what each step found, for the steps after it. */
    static final class Message {
        final ResponseInput input;
        final Instant now;
        byte[] bytes;
        Document document;
        Element response;
        Element assertion;
        Element encryptedAssertion;
        Signature responseSignature;
        Signature assertionSignature;
        String inResponseTo;
        Element nameId;
        String nameIdValue;
        Instant confirmationExpiry;
        Instant conditionsExpiry;
        Element authnStatement;
        String authnContextClassRef;
        Map<String, List<String>> attributes;
        String principal;

        Message(ResponseInput input, Instant now) {
            this.input = input;
            this.now = now;
        }

        /** The InResponseTo the bearer confirmation must carry: the checked one, else what was expected. */
        String expectedInResponseTo() {
            return inResponseTo != null ? inResponseTo : input.expectedRequestId();
        }

        /** Whether a verified signature covers the content and none was refused. */
        boolean contentAuthentic() {
            return responseSignature != Signature.REFUSED && assertionSignature != Signature.REFUSED
                    && (responseSignature == Signature.VERIFIED || assertionSignature == Signature.VERIFIED);
        }

        ValidatedAssertion result(String issuer) throws SamlValidationException {
            return new ValidatedAssertion(issuer, Dom.attribute(assertion, "ID"),
                    nameIdValue, Dom.attribute(nameId, "Format"), Dom.attribute(nameId, "NameQualifier"),
                    Dom.attribute(nameId, "SPNameQualifier"), Dom.attribute(authnStatement, "SessionIndex"),
                    Dom.instant(authnStatement, "AuthnInstant"), authnContextClassRef,
                    Dom.instant(authnStatement, "SessionNotOnOrAfter"), attributes, inResponseTo, principal);
        }
    }

    // ------------------------------------------------------------------ the steps, in ResponseStep's order

    void checkMetadataValidity(Message m) throws SamlValidationException {
        Instant validUntil = idp.validUntil();
        if (validUntil != null && !m.now.isBefore(validUntil)) {
            throw new SamlValidationException(SamlErrorCode.IDP_METADATA_EXPIRED, "IdP metadata validUntil [" + validUntil
                    + "] has passed [now " + m.now + "]");
        }
    }

    void decode(Message m) throws SamlValidationException {
        m.bytes = MessageEnvelope.decodePost(m.input.samlResponse(), SamlConstants.SAML_RESPONSE, options.maxResponseSize());
    }

    void parse(Message m) throws SamlValidationException {
        m.document = xml.parse(m.bytes);
    }

    void requireResponse(Message m) throws SamlValidationException {
        m.response = MessageEnvelope.root(m.document, "Response", SamlErrorCode.MALFORMED_RESPONSE_DATA);
    }

    void requireSingleAssertion(Message m) throws SamlValidationException {
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
            checkStatus(m);
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
            MessageEnvelope.checkVersionAndId(found);
            m.assertion = found;
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

    void verifyResponseSignature(Message m) throws SamlValidationException {
        m.responseSignature = Signature.REFUSED;
        boolean signed = signatures.verifyIfPresent(m.response);
        m.responseSignature = signed ? Signature.VERIFIED : Signature.ABSENT;
        if (!signed && options.wantResponsesSigned()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "the Response is not signed and"
                    + " wantResponsesSigned=true");
        }
    }

    /**
     * Decrypts an EncryptedAssertion into an Assertion of its own document. If the Response was not
     * signed, nothing in the plaintext is trusted until {@link #verifyAssertionSignature} has verified
     * the decrypted Assertion's own signature.
     */
    void decryptAssertion(Message m) throws SamlValidationException {
        if (m.encryptedAssertion == null) {
            if (options.wantAssertionsEncrypted()) {
                throw new SamlValidationException(SamlErrorCode.ASSERTION_NOT_ENCRYPTED,
                        "the Assertion arrived in plain text and wantAssertionsEncrypted=true");
            }
            return;
        }
        Element decrypted = decrypt(m.encryptedAssertion, "Assertion");
        MessageEnvelope.checkVersionAndId(decrypted);
        m.assertion = decrypted;
    }

    private Element decrypt(Element encrypted, String expected) throws SamlValidationException {
        if (decrypter == null || !decrypter.hasKeys()) {
            if (decryptionUnavailable != null) {
                throw new NotChecked("an " + encrypted.getLocalName() + " cannot be decrypted here: " + decryptionUnavailable);
            }
            throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "received an " + encrypted.getLocalName()
                    + " but no RSA SP key is configured to decrypt it");
        }
        return decrypter.decrypt(encrypted, expected);
    }

    void verifyAssertionSignature(Message m) throws SamlValidationException {
        m.assertionSignature = Signature.REFUSED;
        boolean signed = signatures.verifyIfPresent(m.assertion);
        m.assertionSignature = signed ? Signature.VERIFIED : Signature.ABSENT;
        if (signed) {
            return;
        }
        if (options.wantAssertionsSigned()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "the Assertion is not signed"
                    + (m.responseSignature == Signature.VERIFIED ? " (only the Response is; set wantAssertionsSigned=false"
                    + " to accept that)" : ""));
        }
        if (m.responseSignature == Signature.REFUSED) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "the Assertion is not signed itself, and the"
                    + " Response signature that would cover it was refused (see response-signature)");
        }
        if (m.responseSignature != Signature.VERIFIED) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, "neither the Response nor the Assertion is signed");
        }
    }

    void checkDestination(Message m) throws SamlValidationException {
        // saml-bindings-2.0-os 3.5.5.2: a signed message MUST carry Destination (verified or not, it claims to be signed).
        boolean signed = !Dom.children(m.response, SamlConstants.DSIG_NS, "Signature").isEmpty();
        envelope.checkDestination(m.response, options.acsUrl(), signed);
    }

    void checkInResponseTo(Message m) throws SamlValidationException {
        String inResponseTo = Dom.attribute(m.response, "InResponseTo");
        String expected = m.input.expectedRequestId();
        if (expected != null) {
            if (!expected.equals(inResponseTo)) {
                throw new SamlValidationException(SamlErrorCode.INVALID_IN_RESPONSE_TO, "InResponseTo ["
                        + SecureXml.truncate(inResponseTo) + "] expected [" + expected + "]");
            }
            m.inResponseTo = inResponseTo;
            return;
        }
        if (!options.allowUnsolicited()) {
            throw new SamlValidationException(SamlErrorCode.UNSOLICITED_RESPONSE, "no pending AuthnRequest for this"
                    + " response (InResponseTo [" + SecureXml.truncate(inResponseTo) + "]) and allowUnsolicitedResponses=false");
        }
        if (inResponseTo != null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_IN_RESPONSE_TO, "InResponseTo ["
                    + SecureXml.truncate(inResponseTo) + "] answers a request this SP has no record of");
        }
    }

    void checkIssueInstant(Message m) throws SamlValidationException {
        envelope.checkIssueInstant(m.response, m.now);
    }

    void checkResponseIssuer(Message m) throws SamlValidationException {
        envelope.optionalIssuer(m.response);
    }

    void checkStatus(Message m) throws SamlValidationException {
        Element status = Dom.requiredChild(m.response, SamlConstants.PROTOCOL_NS, "Status", SamlErrorCode.MALFORMED_RESPONSE_DATA);
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

    void checkAssertionIssuer(Message m) throws SamlValidationException {
        envelope.requiredIssuer(m.assertion);
    }

    void readSubject(Message m) throws SamlValidationException {
        Element subject = Dom.requiredChild(m.assertion, SamlConstants.ASSERTION_NS, "Subject", SamlErrorCode.INVALID_SUBJECT);
        Element encryptedId = Dom.optionalChild(subject, SamlConstants.ASSERTION_NS, "EncryptedID", SamlErrorCode.INVALID_SUBJECT);
        Element nameId = Dom.optionalChild(subject, SamlConstants.ASSERTION_NS, "NameID", SamlErrorCode.INVALID_SUBJECT);
        if (encryptedId != null && nameId != null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "the Subject has both a NameID and an EncryptedID");
        }
        if (encryptedId != null) {
            // The assertion's signature, verified before this step, covers the ciphertext.
            nameId = decrypt(encryptedId, "NameID");
        }
        if (nameId == null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "the Subject has no NameID");
        }
        m.nameIdValue = envelope.readNameId(nameId, "Assertion");
        m.nameId = nameId;
    }

    /**
     * A bearer confirmation must be valid; any one will do (saml-profiles-2.0-os 4.1.4.2: "at least
     * one"). When none is, every confirmation's reason is reported, under the first one's code.
     */
    void checkSubjectConfirmation(Message m) throws SamlValidationException {
        Element subject = Dom.requiredChild(m.assertion, SamlConstants.ASSERTION_NS, "Subject", SamlErrorCode.INVALID_SUBJECT);
        List<Element> confirmations = Dom.children(subject, SamlConstants.ASSERTION_NS, "SubjectConfirmation");
        List<SamlValidationException> failures = new ArrayList<>(confirmations.size());
        List<String> others = new ArrayList<>();
        for (Element confirmation : confirmations) {
            String method = Dom.attribute(confirmation, "Method");
            if (!SamlConstants.BEARER.equals(method)) {
                others.add(SecureXml.truncate(method));
                continue;
            }
            try {
                m.confirmationExpiry = checkBearer(confirmation, m.expectedInResponseTo(), m.now);
                return;
            } catch (SamlValidationException e) {
                failures.add(e);
            }
        }
        String notBearer = others.isEmpty() ? "" : "; not bearer, so not usable here: Method " + others;
        if (failures.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT_CONFIRMATION, "no bearer SubjectConfirmation"
                    + (confirmations.isEmpty() ? " (the Subject has no SubjectConfirmation)" : notBearer));
        }
        if (failures.size() == 1 && others.isEmpty()) {
            throw failures.get(0);
        }
        StringBuilder detail = new StringBuilder("none of the ").append(failures.size()).append(" bearer SubjectConfirmations is valid: ");
        for (int i = 0; i < failures.size(); i++) {
            detail.append(i == 0 ? "" : "; ").append('#').append(i + 1).append(' ').append(failures.get(i).code().code())
                    .append(": ").append(failures.get(i).detail());
        }
        throw new SamlValidationException(failures.get(0).code(), detail.append(notBearer).toString());
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

    /**
     * Conditions NotBefore and NotOnOrAfter. An Assertion without Conditions has no window of its own
     * (the bearer confirmation's NotOnOrAfter still bounds it); it is refused by {@code audience}.
     */
    void checkConditions(Message m) throws SamlValidationException {
        Element conditions = Dom.optionalChild(m.assertion, SamlConstants.ASSERTION_NS, "Conditions", SamlErrorCode.INVALID_AUDIENCE);
        if (conditions == null) {
            return;
        }
        Instant notBefore = Dom.instant(conditions, "NotBefore");
        if (notBefore != null && notBefore.isAfter(m.now.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.ASSERTION_NOT_YET_VALID, "Conditions NotBefore [" + notBefore
                    + "] is in the future [now " + m.now + ", skew " + options.clockSkew() + "]");
        }
        Instant notOnOrAfter = Dom.instant(conditions, "NotOnOrAfter");
        if (notOnOrAfter != null && !m.now.isBefore(notOnOrAfter.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.ASSERTION_EXPIRED, "Conditions NotOnOrAfter [" + notOnOrAfter
                    + "] has passed [now " + m.now + ", skew " + options.clockSkew() + "]");
        }
        m.conditionsExpiry = notOnOrAfter;
    }

    void checkAudience(Message m) throws SamlValidationException {
        Element conditions = Dom.optionalChild(m.assertion, SamlConstants.ASSERTION_NS, "Conditions", SamlErrorCode.INVALID_AUDIENCE);
        // saml-profiles-2.0-os 4.1.4.2: a bearer assertion for Web SSO MUST carry an AudienceRestriction
        // naming the SP, which lives in Conditions; without Conditions there is none. The code stays
        // invalid_audience, the detail says which.
        if (conditions == null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_AUDIENCE, "the Assertion has no Conditions, so no"
                    + " AudienceRestriction names this SP [expected " + options.spEntityId() + "]");
        }
        List<Element> restrictions = Dom.children(conditions, SamlConstants.ASSERTION_NS, "AudienceRestriction");
        if (restrictions.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.INVALID_AUDIENCE, "Conditions has no AudienceRestriction"
                    + " [expected one naming " + options.spEntityId() + "]");
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

    void readAuthnStatement(Message m) throws SamlValidationException {
        List<Element> statements = Dom.children(m.assertion, SamlConstants.ASSERTION_NS, "AuthnStatement");
        if (statements.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_AUTHN_STATEMENT, "no AuthnStatement");
        }
        Element statement = statements.get(0);
        if (Dom.instant(statement, "AuthnInstant") == null) {
            throw new SamlValidationException(SamlErrorCode.MISSING_AUTHN_STATEMENT, "AuthnStatement has no AuthnInstant");
        }
        Instant sessionNotOnOrAfter = Dom.instant(statement, "SessionNotOnOrAfter");
        if (sessionNotOnOrAfter != null && !m.now.isBefore(sessionNotOnOrAfter.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.SESSION_NOT_ON_OR_AFTER_PASSED, "SessionNotOnOrAfter ["
                    + sessionNotOnOrAfter + "] has passed [now " + m.now + "]");
        }
        m.authnStatement = statement;
    }

    void readAttributes(Message m) throws SamlValidationException {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        for (Element statement : Dom.children(m.assertion, SamlConstants.ASSERTION_NS, "AttributeStatement")) {
            List<Element> all = new ArrayList<>(Dom.children(statement, SamlConstants.ASSERTION_NS, "Attribute"));
            for (Element encrypted : Dom.children(statement, SamlConstants.ASSERTION_NS, "EncryptedAttribute")) {
                all.add(decrypt(encrypted, "Attribute"));
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
        m.attributes = attributes;
    }

    /**
     * The AuthnContextClassRef this sign-in requires: {@code stepUpAuthnContext} for a step-up,
     * {@code requestedAuthnContext} for any other. An unsolicited Response has no sign-in of ours
     * behind it, so it can never be a step-up: it must meet what every sign-in must.
     */
    void checkAuthnContext(Message m) throws SamlValidationException {
        Element context = Dom.optionalChild(m.authnStatement, SamlConstants.ASSERTION_NS, "AuthnContext",
                SamlErrorCode.MALFORMED_RESPONSE_DATA);
        Element classRef = context == null ? null : Dom.optionalChild(context, SamlConstants.ASSERTION_NS,
                "AuthnContextClassRef", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        m.authnContextClassRef = classRef == null ? null : Dom.text(classRef, SamlErrorCode.MALFORMED_RESPONSE_DATA).strip();
        boolean stepUp = m.input.stepUp() && m.input.expectedRequestId() != null;
        List<String> required = stepUp ? options.stepUpAuthnContext() : options.requestedAuthnContext();
        if (!required.isEmpty() && (m.authnContextClassRef == null || !required.contains(m.authnContextClassRef))) {
            throw new SamlValidationException(SamlErrorCode.AUTHN_CONTEXT_NOT_SATISFIED, "AuthnContextClassRef ["
                    + SecureXml.truncate(m.authnContextClassRef) + "] is not one of the required " + required + " ("
                    + (stepUp ? "stepUpAuthnContext, for this step-up" : "requestedAuthnContext") + ")");
        }
    }

    void readPrincipal(Message m) throws SamlValidationException {
        String attribute = options.principalAttribute();
        if (attribute == null) {
            m.principal = m.nameIdValue;
            return;
        }
        List<String> values = m.attributes.get(attribute);
        m.principal = values == null ? null : values.stream().filter(v -> !v.isBlank()).findFirst().orElse(null);
        if (m.principal == null) {
            throw new SamlValidationException(SamlErrorCode.MISSING_PRINCIPAL, "attribute [" + attribute + "] is absent or"
                    + " empty; attributes present " + m.attributes.keySet().stream().map(SecureXml::truncate)
                    .collect(Collectors.joining(", ", "[", "]")));
        }
    }

    void checkReplay(Message m) throws SamlValidationException {
        Instant acceptedUntil = m.conditionsExpiry != null && m.conditionsExpiry.isBefore(m.confirmationExpiry)
                ? m.conditionsExpiry : m.confirmationExpiry;
        String assertionId = Dom.attribute(m.assertion, "ID");
        if (!replayCache.firstUse(idpEntityId + "\n" + assertionId, Dom.instant(m.assertion, "IssueInstant"), acceptedUntil.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.REPLAYED_ASSERTION, "Assertion ID [" + SecureXml.truncate(assertionId)
                    + "] was already used");
        }
    }
}
