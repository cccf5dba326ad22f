package dev.portcullis.devidp;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;

/**
 * Reads a Single Logout message from the SP at {@code /slo} (saml-core-2.0-os 3.7, saml-profiles-2.0-os
 * 4.4) and decides whether to act on it. The checks, in order:
 * <ol>
 *   <li>an SP certificate is configured: without one no logout message can be verified, so none is accepted;</li>
 *   <li>decode the binding, bounded (HTTP-Redirect: raw DEFLATE + base64 in the query; HTTP-POST: base64 in
 *       a form field); exactly one of SAMLRequest and SAMLResponse;</li>
 *   <li>the signature, always required and checked before the XML is read, with the SP certificate only,
 *       never KeyInfo (Redirect: over the raw query octets; POST: the enveloped XML signature over the root
 *       element). saml-profiles-2.0-os 4.4.4.1 and 4.4.4.2 require both messages to be signed on these
 *       bindings: a forged LogoutRequest would end someone else's session;</li>
 *   <li>parse with a hardened parser ({@link HardenedXml}); on Redirect, no XML signature inside; a RelayState
 *       of at most {@link #MAX_RELAY_STATE_BYTES} bytes, since it is echoed; the root is a SAML 2.0
 *       LogoutRequest (for a SAMLRequest) or LogoutResponse (for a SAMLResponse) with an ID;</li>
 *   <li>Issuer = the configured SP entityID;</li>
 *   <li>Destination = this IdP's SLO URL, required because the message is signed (saml-bindings-2.0-os
 *       3.4.5.2, 3.5.5.2);</li>
 *   <li>IssueInstant neither more than {@link #CLOCK_SKEW} in the future nor older than
 *       {@link #MAX_AGE} (plus the skew);</li>
 *   <li>LogoutRequest: NotOnOrAfter, when present, not passed; a NameID with text (read whole); the ID
 *       never seen before (replay). LogoutResponse: an InResponseTo and a StatusCode, which the caller
 *       matches against the logout it started.</li>
 * </ol>
 * Any failure is a {@link RequestRejected}. Thread-safe.
 */
final class LogoutMessageReader {

    /** Tolerance for clocks that disagree. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);
    /** Oldest IssueInstant accepted: a logout message is sent and delivered within seconds. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** Longest message ID accepted. */
    static final int MAX_ID_LENGTH = 256;
    /** Longest RelayState a sender may use (saml-bindings-2.0-os 3.4.3, 3.5.3). */
    static final int MAX_RELAY_STATE_BYTES = 80;

    private final String spEntityId;
    private final String sloUrl;
    private final RequestSignatures signatures;
    private final SeenMessages seen;
    private final Clock clock;
    private final HardenedXml xml = new HardenedXml();

    /** @param spCertificate null makes every logout message a refusal */
    LogoutMessageReader(String spEntityId, String sloUrl, X509Certificate spCertificate, Clock clock) {
        this.spEntityId = spEntityId;
        this.sloUrl = sloUrl;
        this.signatures = spCertificate == null ? null : new RequestSignatures(spCertificate);
        this.seen = new SeenMessages(clock);
        this.clock = clock;
    }

    /** A message received with the HTTP-Redirect binding. */
    LogoutMessage readRedirect(String rawQuery) throws RequestRejected {
        requireConfigured();
        RedirectQuery query = RedirectQuery.parse(rawQuery);
        signatures.verifyRedirect(query);
        Element root = xml.parse(MessageDecoding.redirect(query.decodedMessage())).getDocumentElement();
        if (!SamlElements.children(root, RequestSignatures.DSIG_NS, "Signature").isEmpty()) {
            // The Redirect binding signs the query; an XML signature in the message is not part of it (3.4.4.1).
            throw new RequestRejected(Rejection.INVALID_SIGNATURE, "an XML signature inside a Redirect-binding message");
        }
        return check(root, query.carriesRequest(), query.decodedRelayState());
    }

    /** A message received with the HTTP-POST binding: one of the two fields, never both. */
    LogoutMessage readPost(String samlRequest, String samlResponse, String relayState) throws RequestRejected {
        requireConfigured();
        if (samlRequest != null && samlResponse != null) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "both a SAMLRequest and a SAMLResponse");
        }
        boolean request = samlRequest != null;
        Element root = xml.parse(MessageDecoding.post(request ? samlRequest : samlResponse)).getDocumentElement();
        signatures.verifyEnveloped(root);
        return check(root, request, relayState);
    }

    private void requireConfigured() throws RequestRejected {
        if (signatures == null) {
            throw new RequestRejected(Rejection.SLO_NOT_CONFIGURED, "no SP certificate to verify logout messages with");
        }
    }

    private LogoutMessage check(Element root, boolean request, String relayState) throws RequestRejected {
        Instant now = clock.instant();
        if (relayState != null && relayState.getBytes(StandardCharsets.UTF_8).length > MAX_RELAY_STATE_BYTES) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the RelayState is longer than "
                    + MAX_RELAY_STATE_BYTES + " bytes");
        }
        String expected = request ? "LogoutRequest" : "LogoutResponse";
        if (!SamlResponseBuilder.PROTOCOL_NS.equals(root.getNamespaceURI()) || !expected.equals(root.getLocalName())) {
            throw new RequestRejected(Rejection.NOT_LOGOUT_MESSAGE, "root element {" + root.getNamespaceURI() + "}"
                    + root.getLocalName() + " where a " + expected + " was expected");
        }
        String id = SamlElements.attribute(root, "ID");
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH || !"2.0".equals(SamlElements.attribute(root, "Version"))) {
            throw new RequestRejected(Rejection.NOT_LOGOUT_MESSAGE, "no usable ID, or Version is not 2.0");
        }
        String issuer = SamlElements.issuer(root);
        if (!spEntityId.equals(issuer)) {
            throw new RequestRejected(Rejection.WRONG_ISSUER, "Issuer [" + issuer + "], expected [" + spEntityId + "]");
        }
        String destination = SamlElements.attribute(root, "Destination");
        if (!sloUrl.equals(destination)) {
            throw new RequestRejected(Rejection.WRONG_DESTINATION, "Destination [" + destination + "], expected ["
                    + sloUrl + "]");
        }
        Instant issued = instant(root, "IssueInstant");
        if (issued == null || issued.isAfter(now.plus(CLOCK_SKEW)) || issued.plus(MAX_AGE).plus(CLOCK_SKEW).isBefore(now)) {
            throw new RequestRejected(Rejection.STALE_MESSAGE, "IssueInstant [" + issued + "] is missing, in the future"
                    + " or too old [now " + now + "]");
        }
        return request ? request(root, id, issued, now, relayState) : response(root, relayState);
    }

    private LogoutMessage.Request request(Element root, String id, Instant issued, Instant now, String relayState)
            throws RequestRejected {
        Instant notOnOrAfter = instant(root, "NotOnOrAfter");
        if (notOnOrAfter != null && !now.isBefore(notOnOrAfter.plus(CLOCK_SKEW))) {
            throw new RequestRejected(Rejection.STALE_MESSAGE, "NotOnOrAfter [" + notOnOrAfter + "] has passed [now "
                    + now + "]");
        }
        List<Element> nameIds = SamlElements.children(root, SamlResponseBuilder.ASSERTION_NS, "NameID");
        // The whole text: a comment inside the value cannot shorten it to another user's NameID.
        String nameId = nameIds.size() == 1 ? nameIds.get(0).getTextContent().strip() : "";
        if (nameId.isEmpty()) {
            throw new RequestRejected(Rejection.MISSING_NAME_ID, nameIds.size() + " NameID elements, or an empty one");
        }
        List<String> sessionIndexes = new ArrayList<>();
        for (Element index : SamlElements.children(root, SamlResponseBuilder.PROTOCOL_NS, "SessionIndex")) {
            sessionIndexes.add(index.getTextContent().strip());
        }
        // Last, so that only a message that passed every other check is remembered.
        seen.firstUse(id, issued.plus(MAX_AGE).plus(CLOCK_SKEW).plus(CLOCK_SKEW));
        return new LogoutMessage.Request(id, nameId, SamlElements.attribute(nameIds.get(0), "Format"), sessionIndexes,
                relayState);
    }

    private static LogoutMessage.Response response(Element root, String relayState) throws RequestRejected {
        String inResponseTo = SamlElements.attribute(root, "InResponseTo");
        List<Element> status = SamlElements.children(root, SamlResponseBuilder.PROTOCOL_NS, "Status");
        List<Element> code = status.size() == 1
                ? SamlElements.children(status.get(0), SamlResponseBuilder.PROTOCOL_NS, "StatusCode") : List.of();
        if (inResponseTo == null || code.size() != 1 || SamlElements.attribute(code.get(0), "Value") == null) {
            throw new RequestRejected(Rejection.NOT_LOGOUT_MESSAGE, "a LogoutResponse without InResponseTo or StatusCode");
        }
        List<Element> second = SamlElements.children(code.get(0), SamlResponseBuilder.PROTOCOL_NS, "StatusCode");
        return new LogoutMessage.Response(inResponseTo, SamlElements.attribute(code.get(0), "Value"),
                second.isEmpty() ? null : SamlElements.attribute(second.get(0), "Value"), relayState);
    }

    private static Instant instant(Element element, String name) throws RequestRejected {
        String value = SamlElements.attribute(element, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new RequestRejected(Rejection.STALE_MESSAGE, name + " is not an xs:dateTime in UTC", e);
        }
    }
}
