package dev.portcullis.devidp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.SamlResponseBuilder;

/**
 * Reads an AuthnRequest from either binding and decides whether to serve it. The checks, in order:
 * <ol>
 *   <li>decode the binding (HTTP-Redirect: raw DEFLATE + base64 in the query; HTTP-POST: base64 in a form field);</li>
 *   <li>when an SP certificate is configured, the signature, before the XML is read (Redirect: over the raw
 *       query octets; POST: the enveloped XML signature over the root element);</li>
 *   <li>parse with a hardened parser ({@link HardenedXml}); the root must be a SAML 2.0 AuthnRequest with an ID;</li>
 *   <li>Issuer = the configured SP entityID;</li>
 *   <li>Destination, when present, = this IdP's SSO URL; a signed request must carry it
 *       (saml-bindings-2.0-os 3.4.5.2 and 3.5.5.2);</li>
 *   <li>AssertionConsumerServiceURL, when present, = the configured ACS URL; a response is never sent
 *       anywhere else, whatever the request asks;</li>
 *   <li>ProtocolBinding, when present, = HTTP-POST, the only binding responses are sent with.</li>
 * </ol>
 * Any failure is a {@link RequestRejected}. Thread-safe.
 */
final class AuthnRequestReader {

    /** Largest inflated AuthnRequest accepted (real ones are under 2 KB): bounds a "zip bomb". */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final String spEntityId;
    private final String acsUrl;
    private final String ssoUrl;
    private final RequestSignatures signatures;
    private final HardenedXml xml = new HardenedXml();

    /** @param spCertificate null to accept unsigned requests */
    AuthnRequestReader(String spEntityId, String acsUrl, String ssoUrl, X509Certificate spCertificate) {
        this.spEntityId = spEntityId;
        this.acsUrl = acsUrl;
        this.ssoUrl = ssoUrl;
        this.signatures = spCertificate == null ? null : new RequestSignatures(spCertificate);
    }

    /** A request received with the HTTP-Redirect binding. */
    AcceptedRequest readRedirect(String rawQuery) throws RequestRejected {
        RedirectQuery query = RedirectQuery.parse(rawQuery);
        if (signatures != null) {
            signatures.verifyRedirect(query);
        }
        byte[] deflated = base64(query.decodedSamlRequest());
        Element root = xml.parse(inflate(deflated)).getDocumentElement();
        return check(root, signatures != null || query.signed(), query.decodedRelayState());
    }

    /** A request received with the HTTP-POST binding. */
    AcceptedRequest readPost(String samlRequest, String relayState) throws RequestRejected {
        if (samlRequest == null || samlRequest.isBlank()) {
            throw new RequestRejected(Rejection.MISSING_REQUEST, "no SAMLRequest form field");
        }
        byte[] bytes = base64(samlRequest);
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the request is " + bytes.length + " bytes long");
        }
        Document document = xml.parse(bytes);
        Element root = document.getDocumentElement();
        if (signatures != null) {
            signatures.verifyEnveloped(root);
        }
        return check(root, signatures != null, relayState);
    }

    private AcceptedRequest check(Element root, boolean signed, String relayState) throws RequestRejected {
        if (!SamlResponseBuilder.PROTOCOL_NS.equals(root.getNamespaceURI()) || !"AuthnRequest".equals(root.getLocalName())) {
            throw new RequestRejected(Rejection.NOT_AUTHN_REQUEST, "root element {" + root.getNamespaceURI() + "}"
                    + root.getLocalName());
        }
        String id = root.getAttributeNS(null, "ID");
        if (id.isBlank() || !"2.0".equals(root.getAttributeNS(null, "Version"))) {
            throw new RequestRejected(Rejection.NOT_AUTHN_REQUEST, "no ID, or Version is not 2.0");
        }
        String issuer = issuer(root);
        if (!spEntityId.equals(issuer)) {
            throw new RequestRejected(Rejection.WRONG_ISSUER, "Issuer [" + issuer + "], expected [" + spEntityId + "]");
        }
        String destination = attribute(root, "Destination");
        if (destination == null ? signed : !ssoUrl.equals(destination)) {
            throw new RequestRejected(Rejection.WRONG_DESTINATION, "Destination [" + destination + "], expected ["
                    + ssoUrl + "]");
        }
        String acs = attribute(root, "AssertionConsumerServiceURL");
        if (acs != null && !acsUrl.equals(acs)) {
            throw new RequestRejected(Rejection.WRONG_ACS_URL, "AssertionConsumerServiceURL [" + acs + "], expected ["
                    + acsUrl + "]");
        }
        String binding = attribute(root, "ProtocolBinding");
        if (binding != null && !IdpMetadataWriter.POST_BINDING.equals(binding)) {
            throw new RequestRejected(Rejection.UNSUPPORTED_BINDING, "ProtocolBinding [" + binding + "]");
        }
        return new AcceptedRequest(id, relayState);
    }

    private static String issuer(Element root) {
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && SamlResponseBuilder.ASSERTION_NS.equals(element.getNamespaceURI())
                    && "Issuer".equals(element.getLocalName())) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }

    private static String attribute(Element element, String name) {
        return element.hasAttributeNS(null, name) ? element.getAttributeNS(null, name) : null;
    }

    private static byte[] base64(String text) throws RequestRejected {
        try {
            return Base64.getMimeDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the SAMLRequest is not base64", e);
        }
    }

    /** Raw DEFLATE (RFC 1951, no zlib header), as the Redirect binding prescribes, at most {@link #MAX_REQUEST_BYTES}. */
    private static byte[] inflate(byte[] deflated) throws RequestRejected {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the DEFLATE stream is truncated");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_REQUEST_BYTES) {
                    throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the request inflates past "
                            + MAX_REQUEST_BYTES + " bytes");
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new RequestRejected(Rejection.MALFORMED_REQUEST, "the SAMLRequest is not raw DEFLATE data", e);
        } finally {
            inflater.end();
        }
    }

    /**
     * A request the IdP will serve.
     *
     * @param id         the AuthnRequest's ID, answered in InResponseTo
     * @param relayState the RelayState to return, or null
     */
    record AcceptedRequest(String id, String relayState) {
    }
}
