package dev.portcullis.saml;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The checks every SAML protocol message from the IdP passes, whatever it carries: the Response at
 * the ACS and the LogoutRequest and LogoutResponse at the Single Logout endpoint. One implementation,
 * so that the two endpoints (and saml-inspect, which decodes with {@link #decodePost}) cannot drift
 * apart:
 * <ul>
 *   <li>{@link #decodePost}: the HTTP-POST binding's form field, bounded, strict base64
 *       (saml-bindings-2.0-os 3.5.4); the HTTP-Redirect binding's DEFLATE goes through
 *       {@link RedirectDecoder}, which has its own bound on the inflated size and uses the same strict
 *       {@link #base64};</li>
 *   <li>{@link #root}: the expected SAML 2.0 protocol element, {@code Version="2.0"}, an {@code ID};</li>
 *   <li>{@link #checkIssuer}: the IdP entityID, in the entity Format when a Format is given
 *       (saml-core-2.0-os 3.2.2, 8.3.6);</li>
 *   <li>{@link #checkDestination}: the endpoint the message was sent to;</li>
 *   <li>{@link #checkIssueInstant}: neither in the future nor older than the maximum age, with the
 *       clock skew;</li>
 *   <li>{@link #readNameId}: a NameID read as its whole text, not empty, at most
 *       {@value #MAX_NAME_ID_LENGTH} characters, no control characters, and an SPNameQualifier, when
 *       present, naming this SP.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class MessageEnvelope {

    /**
     * Longest NameID accepted. Persistent and transient identifiers have at most 256 characters
     * (saml-core-2.0-os 8.3.7, 8.3.8); other formats (email, X.509 subject, unspecified) get more room.
     */
    public static final int MAX_NAME_ID_LENGTH = 1024;
    /** Longest message ID accepted; IdPs use 20 to 50 characters. */
    static final int MAX_ID_LENGTH = 256;

    private final String idpEntityId;
    private final String spEntityId;
    private final Duration clockSkew;
    private final Duration maxMessageAge;

    /**
     * @param idpEntityId   every Issuer must equal it
     * @param spEntityId    an SPNameQualifier, when present, must equal it
     * @param clockSkew     tolerance on the time checks
     * @param maxMessageAge oldest IssueInstant accepted
     */
    public MessageEnvelope(String idpEntityId, String spEntityId, Duration clockSkew, Duration maxMessageAge) {
        this.idpEntityId = idpEntityId;
        this.spEntityId = spEntityId;
        this.clockSkew = clockSkew;
        this.maxMessageAge = maxMessageAge;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes the base64 form field of the HTTP-POST binding, as the valve receives it.
     *
     * @param field     the field's value
     * @param parameter its name, for the detail ({@code SAMLResponse} or {@code SAMLRequest})
     * @param maxSize   the largest decoded message, in bytes
     */
    public static byte[] decodePost(String field, String parameter, int maxSize) throws SamlValidationException {
        if (field == null || field.isBlank()) {
            throw new SamlValidationException(SamlErrorCode.MISSING_RESPONSE, "no " + parameter + " field");
        }
        // Base64 is 4/3 of the data plus optional line breaks; twice the limit bounds the work before decoding.
        if (field.length() > 2L * maxSize) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, parameter + " field has "
                    + field.length() + " characters [limit " + maxSize + " bytes decoded]");
        }
        byte[] bytes = base64(field, parameter);
        if (bytes.length > maxSize) {
            throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, parameter + " has " + bytes.length
                    + " bytes [limit " + maxSize + "]");
        }
        return bytes;
    }

    /**
     * Strict base64 (RFC 4648 section 4, padding optional), ignoring only the line breaks, spaces and
     * tabs some IdPs wrap their output with. Any other character outside the alphabet is refused,
     * never skipped as a MIME decoder would: what is decoded is exactly what was sent.
     */
    static byte[] base64(String value, String parameter) throws SamlValidationException {
        try {
            return Base64.getDecoder().decode(withoutWhitespace(value));
        } catch (IllegalArgumentException e) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, parameter + " is not base64");
        }
    }

    /**
     * The value as bytes without CR, LF, space and tab, in one copy (base64 is ASCII, so Latin-1 is exact;
     * any other character becomes '?' and fails the strict decoder).
     */
    private static byte[] withoutWhitespace(String value) {
        byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
        int k = 0;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                b[k++] = c;
            }
        }
        return k == b.length ? b : Arrays.copyOf(b, k);
    }

    /**
     * Whether decoded bytes are XML as {@link SecureXml} reads them: an optional UTF-8 byte-order mark,
     * optional whitespace, then {@code <}. What tells the HTTP-POST binding (XML) from the
     * HTTP-Redirect binding (DEFLATE) when a tool is handed a bare base64 value.
     */
    public static boolean looksLikeXml(byte[] bytes) {
        int i = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xEF && (bytes[1] & 0xff) == 0xBB && (bytes[2] & 0xff) == 0xBF) {
            i = 3;
        }
        while (i < bytes.length && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
            i++;
        }
        return i < bytes.length && bytes[i] == '<';
    }

    // ------------------------------------------------------------------ the message element

    /**
     * The document's root: the SAML 2.0 protocol element {@code localName}, of Version 2.0, with an ID.
     *
     * @param wrongRoot the code for another root element (the ACS and the SLO endpoint differ here)
     */
    public static Element root(Document document, String localName, SamlErrorCode wrongRoot) throws SamlValidationException {
        Element root = document.getDocumentElement();
        if (!SamlConstants.PROTOCOL_NS.equals(root.getNamespaceURI()) || !localName.equals(root.getLocalName())) {
            throw new SamlValidationException(wrongRoot, "root element is [" + root.getNamespaceURI() + " "
                    + root.getLocalName() + "], not a SAML 2.0 " + localName);
        }
        checkVersionAndId(root);
        return root;
    }

    /** saml-core-2.0-os 3.2.1 (and 2.3.3 for an Assertion): Version 2.0 and an ID are required. */
    static void checkVersionAndId(Element element) throws SamlValidationException {
        String what = element.getLocalName();
        String version = Dom.attribute(element, "Version");
        if (!"2.0".equals(version)) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, what + " Version is ["
                    + SecureXml.truncate(version) + "], not 2.0");
        }
        String id = Dom.attribute(element, "ID");
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, what + " ID is missing, blank or"
                    + " longer than " + MAX_ID_LENGTH);
        }
    }

    // ------------------------------------------------------------------ Issuer, Destination, IssueInstant

    /** The element's Issuer child, which must be present. */
    public Element requiredIssuer(Element parent) throws SamlValidationException {
        Element issuer = Dom.requiredChild(parent, SamlConstants.ASSERTION_NS, "Issuer", SamlErrorCode.INVALID_ISSUER);
        checkIssuer(parent.getLocalName(), issuer);
        return issuer;
    }

    /** The element's Issuer child, checked when present (optional on a Response: saml-profiles-2.0-os 4.1.4.2). */
    public void optionalIssuer(Element parent) throws SamlValidationException {
        Element issuer = Dom.optionalChild(parent, SamlConstants.ASSERTION_NS, "Issuer", SamlErrorCode.INVALID_ISSUER);
        if (issuer != null) {
            checkIssuer(parent.getLocalName(), issuer);
        }
    }

    /**
     * An Issuer names the IdP: its text is the IdP entityID and its Format, if any, is the entity
     * format (saml-profiles-2.0-os 4.1.4.2 and 4.4.4.1: "MUST be omitted or MUST have a value of
     * urn:oasis:names:tc:SAML:2.0:nameid-format:entity").
     */
    void checkIssuer(String where, Element issuer) throws SamlValidationException {
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

    /**
     * Destination equals the endpoint that received the message.
     *
     * @param required whether a missing Destination is refused (saml-bindings-2.0-os 3.4.5.2 and
     *                 3.5.5.2: a signed message MUST carry it)
     */
    public void checkDestination(Element root, String endpoint, boolean required) throws SamlValidationException {
        String destination = Dom.attribute(root, "Destination");
        if (destination == null) {
            if (required) {
                throw new SamlValidationException(SamlErrorCode.INVALID_DESTINATION, root.getLocalName()
                        + " has no Destination [expected " + endpoint + "]");
            }
            return;
        }
        if (!endpoint.equals(destination)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_DESTINATION, root.getLocalName() + " Destination ["
                    + SecureXml.truncate(destination) + "] expected [" + endpoint + "]");
        }
    }

    /** @return the IssueInstant, neither in the future nor older than the maximum age (both with the skew) */
    public Instant checkIssueInstant(Element root, Instant now) throws SamlValidationException {
        String what = root.getLocalName();
        Instant issued = Dom.instant(root, "IssueInstant");
        if (issued == null) {
            throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, what + " has no IssueInstant");
        }
        if (issued.isAfter(now.plus(clockSkew))) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ISSUE_INSTANT, what + " IssueInstant [" + issued
                    + "] is in the future [now " + now + ", skew " + clockSkew + "]");
        }
        if (issued.plus(maxMessageAge).plus(clockSkew).isBefore(now)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_ISSUE_INSTANT, what + " IssueInstant [" + issued
                    + "] is older than the maximum age [now " + now + ", max age " + maxMessageAge + ", skew " + clockSkew + "]");
        }
        return issued;
    }

    // ------------------------------------------------------------------ NameID

    /**
     * Checks a NameID (already decrypted if it came as an EncryptedID) and returns its value: the
     * element's whole text, so that a comment injected into it cannot shorten it (CVE-2017-11427,
     * CVE-2018-0489), stripped; not empty, not longer than {@value #MAX_NAME_ID_LENGTH}, no control
     * characters (it becomes a user name, a log field and a cache key). An SPNameQualifier, when present,
     * must be this SP's entityID: it says which SP the identifier was made for (saml-core-2.0-os
     * 2.2.2, 8.3.7), and a pairwise identifier made for another SP names someone else here.
     *
     * @param where the message, for the detail
     */
    public String readNameId(Element nameId, String where) throws SamlValidationException {
        String value = Dom.text(nameId, SamlErrorCode.INVALID_SUBJECT).strip();
        if (value.isEmpty()) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, where + " NameID is empty");
        }
        if (value.length() > MAX_NAME_ID_LENGTH) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, where + " NameID has " + value.length()
                    + " characters [limit " + MAX_NAME_ID_LENGTH + "]");
        }
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, where + " NameID contains control characters");
        }
        String spNameQualifier = Dom.attribute(nameId, "SPNameQualifier");
        if (spNameQualifier != null && !spNameQualifier.equals(spEntityId)) {
            throw new SamlValidationException(SamlErrorCode.INVALID_SUBJECT, where + " NameID SPNameQualifier ["
                    + SecureXml.truncate(spNameQualifier) + "] expected [" + spEntityId + "]: the identifier was made for"
                    + " another service provider");
        }
        return value;
    }
}
