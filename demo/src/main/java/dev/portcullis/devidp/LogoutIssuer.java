package dev.portcullis.devidp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;

/**
 * Writes the IdP's Single Logout messages to the SP (saml-core-2.0-os 3.7) and puts them on the
 * HTTP-Redirect binding, signed with the IdP key over the query string (saml-bindings-2.0-os 3.4.4.1):
 * the LogoutResponse answering the SP's LogoutRequest, and the IdP's own LogoutRequest. Both are sent
 * to the configured SP SLO URL only, which is also their Destination. Written with the test kit's DOM
 * helpers, independently of the valve's encoder, so that each side checks the other. Thread-safe.
 */
final class LogoutIssuer {

    /** How long the SP may take to act on an IdP LogoutRequest (its NotOnOrAfter). */
    static final Duration REQUEST_LIFETIME = Duration.ofMinutes(5);

    private final String idpEntityId;
    private final String spSloUrl;
    private final TestCredentials credentials;
    private final boolean partial;

    LogoutIssuer(String idpEntityId, DevIdpConfig config) {
        this.idpEntityId = idpEntityId;
        this.spSloUrl = config.spSloUrl();
        this.credentials = config.credentials();
        this.partial = config.answerPartialLogout();
    }

    /**
     * The LogoutResponse to the SP's LogoutRequest: Success, with the second-level status PartialLogout
     * when the configuration says so.
     *
     * @param relayState echoed as received; null leaves it out
     * @return the HTTP-Redirect URL at the SP's SLO endpoint
     */
    String logoutResponse(String id, String inResponseTo, String relayState, Instant now) {
        Document doc = message("samlp:LogoutResponse", id, now);
        Element root = doc.getDocumentElement();
        root.setAttribute("InResponseTo", inResponseTo);
        Element status = append(root, SamlResponseBuilder.PROTOCOL_NS, "samlp:Status", null);
        Element code = append(status, SamlResponseBuilder.PROTOCOL_NS, "samlp:StatusCode", null);
        code.setAttribute("Value", SamlResponseBuilder.STATUS_SUCCESS);
        if (partial) {
            append(code, SamlResponseBuilder.PROTOCOL_NS, "samlp:StatusCode", null)
                    .setAttribute("Value", LogoutMessage.PARTIAL_LOGOUT);
        }
        return redirectUrl(RedirectQuery.SAML_RESPONSE, Xml.toString(doc), relayState);
    }

    /**
     * The IdP's LogoutRequest for the sessions it gave the SP: the NameID exactly as issued (value and
     * Format) and every SessionIndex to end.
     *
     * @return the HTTP-Redirect URL at the SP's SLO endpoint
     */
    String logoutRequest(String id, String nameId, String nameIdFormat, List<String> sessionIndexes, String relayState,
                         Instant now) {
        Document doc = message("samlp:LogoutRequest", id, now);
        Element root = doc.getDocumentElement();
        root.setAttribute("NotOnOrAfter", instant(now.plus(REQUEST_LIFETIME)));
        Element name = append(root, SamlResponseBuilder.ASSERTION_NS, "saml:NameID", nameId);
        name.setAttribute("Format", nameIdFormat);
        for (String sessionIndex : sessionIndexes) {
            append(root, SamlResponseBuilder.PROTOCOL_NS, "samlp:SessionIndex", sessionIndex);
        }
        return redirectUrl(RedirectQuery.SAML_REQUEST, Xml.toString(doc), relayState);
    }

    /** The common part: ID, Version, IssueInstant, Destination and Issuer. */
    private Document message(String qualifiedName, String id, Instant now) {
        Document doc = Xml.newDocument();
        Element root = doc.createElementNS(SamlResponseBuilder.PROTOCOL_NS, qualifiedName);
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:samlp", SamlResponseBuilder.PROTOCOL_NS);
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", SamlResponseBuilder.ASSERTION_NS);
        doc.appendChild(root);
        root.setAttribute("ID", id);
        root.setAttribute("Version", "2.0");
        root.setAttribute("IssueInstant", instant(now));
        root.setAttribute("Destination", spSloUrl);
        append(root, SamlResponseBuilder.ASSERTION_NS, "saml:Issuer", idpEntityId);
        return doc;
    }

    /**
     * {@code spSloUrl?SAMLx=..&RelayState=..&SigAlg=..&Signature=..}: the signature covers the first
     * three exactly as they are written into the URL.
     */
    private String redirectUrl(String parameter, String xml, String relayState) {
        PrivateKey key = credentials.privateKey();
        boolean ec = "EC".equals(key.getAlgorithm());
        StringBuilder query = new StringBuilder(2048).append(parameter).append('=').append(url(Xml.deflateBase64(xml)));
        if (relayState != null) {
            query.append("&RelayState=").append(url(relayState));
        }
        query.append("&SigAlg=").append(url(ec ? RequestSignatures.ECDSA_SHA256 : RequestSignatures.RSA_SHA256));
        try {
            // XML DSig's ECDSA value is r||s, which the JDK calls the P1363 format.
            Signature signer = Signature.getInstance(ec ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
            signer.initSign(key);
            signer.update(query.toString().getBytes(StandardCharsets.US_ASCII));
            query.append("&Signature=").append(url(Base64.getEncoder().encodeToString(signer.sign())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the IdP key", e);
        }
        return spSloUrl + (spSloUrl.indexOf('?') < 0 ? '?' : '&') + query;
    }

    private static Element append(Element parent, String namespace, String qualifiedName, String text) {
        Element child = parent.getOwnerDocument().createElementNS(namespace, qualifiedName);
        if (text != null) {
            child.setTextContent(text);
        }
        parent.appendChild(child);
        return child;
    }

    private static String instant(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
