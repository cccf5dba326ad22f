package dev.portcullis.saml;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;

/**
 * Validates the Single Logout messages an IdP sends to {@code /sso/slo} (saml-core-2.0-os 3.7,
 * saml-profiles-2.0-os 4.4), over HTTP-Redirect or HTTP-POST. Both kinds first pass the checks every
 * message from the IdP passes, the {@link MessageEnvelope} the ACS uses too: decoding (strict base64,
 * bounded; DEFLATE bounded by {@link RedirectDecoder}), no DOCTYPE, the expected root element, Version,
 * ID; then the signature, which is required (the query-string signature on Redirect, an enveloped one
 * on POST) and verified with the IdP's metadata keys only; then Destination = the SLO URL (required),
 * Issuer = the IdP (required, entity Format), IssueInstant recent. What is left here is logout's own:
 * <ul>
 *   <li><b>LogoutRequest</b>: NotOnOrAfter not passed; a NameID (decrypted if it is an EncryptedID)
 *       under the envelope's NameID rules; the ID never used before. A forged LogoutRequest would end
 *       other people's sessions, hence the signature requirement.</li>
 *   <li><b>LogoutResponse</b>: InResponseTo = the LogoutRequest this SP sent for that RelayState, and
 *       its Status reported as it is.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class LogoutValidator {

    /**
     * @param sloUrl          Destination must equal it
     * @param spEntityId      a NameID's SPNameQualifier, when present, must equal it
     * @param clockSkew       tolerance on every time comparison
     * @param maxMessageAge   oldest IssueInstant accepted
     * @param maxMessageSize  largest decoded message, in bytes
     */
    public record Options(String sloUrl, String spEntityId, Duration clockSkew, Duration maxMessageAge, int maxMessageSize) {
    }

    /**
     * A validated LogoutRequest: whose sessions to end.
     *
     * @param id             the request ID, to answer with InResponseTo
     * @param nameId         the user
     * @param sessionIndexes the IdP sessions to end; empty means all of the user's
     */
    public record LogoutRequest(String id, String nameId, List<String> sessionIndexes) {
    }

    /**
     * A validated LogoutResponse.
     *
     * @param statusCode        the top-level status
     * @param secondLevelStatus the second-level status (such as PartialLogout), or null
     */
    public record LogoutResponse(String statusCode, String secondLevelStatus) {
        public boolean success() {
            return SamlConstants.STATUS_SUCCESS.equals(statusCode) && !LogoutMessages.STATUS_PARTIAL_LOGOUT.equals(secondLevelStatus);
        }

        public boolean partial() {
            return LogoutMessages.STATUS_PARTIAL_LOGOUT.equals(secondLevelStatus);
        }
    }

    private final Options options;
    private final String idpEntityId;
    private final List<PublicKey> idpKeys;
    private final AlgorithmPolicy algorithms;
    private final SignatureValidator signatures;
    private final Decrypter decrypter;
    private final ReplayCache replayCache;
    private final SecureXml xml;
    private final RedirectDecoder redirectDecoder;
    private final MessageEnvelope envelope;
    private final Clock clock;

    public LogoutValidator(Options options, IdpMetadata idp, AlgorithmPolicy algorithms, Decrypter decrypter,
                           ReplayCache replayCache, SecureXml xml, Clock clock) {
        this.options = options;
        this.idpEntityId = idp.entityId();
        this.idpKeys = idp.signingKeys();
        this.algorithms = algorithms;
        this.signatures = new SignatureValidator(idpKeys, algorithms);
        this.decrypter = decrypter;
        this.replayCache = replayCache;
        this.xml = xml;
        this.redirectDecoder = new RedirectDecoder(options.maxMessageSize());
        this.envelope = new MessageEnvelope(idpEntityId, options.spEntityId(), options.clockSkew(), options.maxMessageAge());
        this.clock = clock;
    }

    /** Validates a LogoutRequest from the IdP. */
    public LogoutRequest validateRequest(InboundMessage message) throws SamlValidationException {
        Instant now = clock.instant();
        Element root = parse(message, "LogoutRequest");
        verifySignature(message, root);
        checkCommon(root, now);
        Instant notOnOrAfter = Dom.instant(root, "NotOnOrAfter");
        if (notOnOrAfter != null && !now.isBefore(notOnOrAfter.plus(options.clockSkew()))) {
            throw new SamlValidationException(SamlErrorCode.LOGOUT_REQUEST_EXPIRED, "LogoutRequest NotOnOrAfter ["
                    + notOnOrAfter + "] has passed [now " + now + "]");
        }
        Element nameId = Dom.optionalChild(root, SamlConstants.ASSERTION_NS, "NameID", SamlErrorCode.INVALID_SUBJECT);
        Element encryptedId = Dom.optionalChild(root, SamlConstants.ASSERTION_NS, "EncryptedID", SamlErrorCode.INVALID_SUBJECT);
        if (nameId == null && encryptedId != null) {
            if (decrypter == null) {
                throw new SamlValidationException(SamlErrorCode.DECRYPTION_FAILED, "EncryptedID but no SP key to decrypt it");
            }
            nameId = decrypter.decrypt(encryptedId, "NameID");
        }
        if (nameId == null) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, "the LogoutRequest names no NameID");
        }
        String user = envelope.readNameId(nameId, "LogoutRequest");
        List<String> sessionIndexes = new ArrayList<>();
        for (Element index : Dom.children(root, SamlConstants.PROTOCOL_NS, "SessionIndex")) {
            sessionIndexes.add(Dom.text(index, SamlErrorCode.MALFORMED_RESPONSE_DATA).strip());
        }
        String id = Dom.attribute(root, "ID");
        Instant keepUntil = notOnOrAfter != null ? notOnOrAfter.plus(options.clockSkew())
                : Dom.instant(root, "IssueInstant").plus(options.maxMessageAge()).plus(options.clockSkew());
        if (!replayCache.firstUse("logout\n" + idpEntityId + "\n" + id, Dom.instant(root, "IssueInstant"), keepUntil)) {
            throw new SamlValidationException(SamlErrorCode.REPLAYED_LOGOUT_REQUEST, "LogoutRequest ID ["
                    + SecureXml.truncate(id) + "] was already used");
        }
        return new LogoutRequest(id, user, List.copyOf(sessionIndexes));
    }

    /** Validates a LogoutResponse answering the LogoutRequest {@code expectedRequestId}. */
    public LogoutResponse validateResponse(InboundMessage message, String expectedRequestId) throws SamlValidationException {
        Instant now = clock.instant();
        Element root = parse(message, "LogoutResponse");
        verifySignature(message, root);
        checkCommon(root, now);
        String inResponseTo = Dom.attribute(root, "InResponseTo");
        if (expectedRequestId == null || !expectedRequestId.equals(inResponseTo)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_IN_RESPONSE_TO, "LogoutResponse InResponseTo ["
                    + SecureXml.truncate(inResponseTo) + "] expected [" + expectedRequestId + "]");
        }
        Element status = Dom.requiredChild(root, SamlConstants.PROTOCOL_NS, "Status", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        Element code = Dom.requiredChild(status, SamlConstants.PROTOCOL_NS, "StatusCode", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        Element second = Dom.optionalChild(code, SamlConstants.PROTOCOL_NS, "StatusCode", SamlErrorCode.MALFORMED_RESPONSE_DATA);
        return new LogoutResponse(Dom.attribute(code, "Value"), second == null ? null : Dom.attribute(second, "Value"));
    }

    private Element parse(InboundMessage message, String expected) throws SamlValidationException {
        byte[] bytes = message.isRedirect() ? redirectDecoder.decode(message.message())
                : MessageEnvelope.decodePost(message.message(), message.parameter(), options.maxMessageSize());
        return MessageEnvelope.root(xml.parse(bytes), expected, SamlErrorCode.UNEXPECTED_MESSAGE);
    }

    /** A signature is required: over the query string on Redirect, enveloped on POST. */
    private void verifySignature(InboundMessage message, Element root) throws SamlValidationException {
        if (message.isRedirect()) {
            if (!Dom.children(root, SamlConstants.DSIG_NS, "Signature").isEmpty()) {
                // Redirect-binding messages carry no XML signature (saml-bindings-2.0-os 3.4.4.1).
                throw new SamlValidationException(SamlErrorCode.INVALID_SIGNATURE, "an XML signature inside a"
                        + " Redirect-binding message");
            }
            QuerySignature.verify(message.rawQuery(), message.parameter(), idpKeys, algorithms);
        } else if (!signatures.verifyIfPresent(root)) {
            throw new SamlValidationException(SamlErrorCode.MISSING_SIGNATURE, root.getLocalName() + " is not signed");
        }
    }

    private void checkCommon(Element root, Instant now) throws SamlValidationException {
        envelope.checkDestination(root, options.sloUrl(), true);
        envelope.requiredIssuer(root);
        envelope.checkIssueInstant(root, now);
    }
}
