package dev.portcullis.devidp;

import java.security.cert.X509Certificate;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.SamlResponseBuilder;

/**
 * Reads an AuthnRequest from either binding and decides whether to serve it. The checks, in order:
 * <ol>
 *   <li>decode the binding (HTTP-Redirect: raw DEFLATE + base64 in the query; HTTP-POST: base64 in a form field),
 *       both bounded by {@link MessageDecoding#MAX_MESSAGE_BYTES};</li>
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
 * ForceAuthn is read so that the login form is shown even to a browser with an IdP session.
 * Any failure is a {@link RequestRejected}. Thread-safe.
 */
final class AuthnRequestReader {

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
        if (!query.carriesRequest()) {
            throw new RequestRejected(Rejection.MISSING_REQUEST, "a SAMLResponse where a SAMLRequest was expected");
        }
        if (signatures != null) {
            signatures.verifyRedirect(query);
        }
        Element root = xml.parse(MessageDecoding.redirect(query.decodedMessage())).getDocumentElement();
        return check(root, signatures != null || query.signed(), query.decodedRelayState());
    }

    /** A request received with the HTTP-POST binding. */
    AcceptedRequest readPost(String samlRequest, String relayState) throws RequestRejected {
        Document document = xml.parse(MessageDecoding.post(samlRequest));
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
        String issuer = SamlElements.issuer(root);
        if (!spEntityId.equals(issuer)) {
            throw new RequestRejected(Rejection.WRONG_ISSUER, "Issuer [" + issuer + "], expected [" + spEntityId + "]");
        }
        String destination = SamlElements.attribute(root, "Destination");
        if (destination == null ? signed : !ssoUrl.equals(destination)) {
            throw new RequestRejected(Rejection.WRONG_DESTINATION, "Destination [" + destination + "], expected ["
                    + ssoUrl + "]");
        }
        String acs = SamlElements.attribute(root, "AssertionConsumerServiceURL");
        if (acs != null && !acsUrl.equals(acs)) {
            throw new RequestRejected(Rejection.WRONG_ACS_URL, "AssertionConsumerServiceURL [" + acs + "], expected ["
                    + acsUrl + "]");
        }
        String binding = SamlElements.attribute(root, "ProtocolBinding");
        if (binding != null && !IdpMetadataWriter.POST_BINDING.equals(binding)) {
            throw new RequestRejected(Rejection.UNSUPPORTED_BINDING, "ProtocolBinding [" + binding + "]");
        }
        String forceAuthn = SamlElements.attribute(root, "ForceAuthn");
        return new AcceptedRequest(id, relayState, "true".equals(forceAuthn) || "1".equals(forceAuthn));
    }

    /**
     * A request the IdP will serve.
     *
     * @param id         the AuthnRequest's ID, answered in InResponseTo
     * @param relayState the RelayState to return, or null
     * @param forceAuthn the SP wants the user to authenticate again, IdP session or not
     */
    record AcceptedRequest(String id, String relayState, boolean forceAuthn) {
    }
}
