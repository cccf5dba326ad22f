package dev.portcullis.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Ids;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * AuthnRequests as a service provider sends them, every field settable so that a test can change one
 * thing, encoded for either binding, signed or not.
 */
public final class AuthnRequests {

    public static final String RSA_SHA256 = XmlSigning.RSA_SHA256;
    public static final String ECDSA_SHA256 = XmlSigning.ECDSA_SHA256;

    public String id = Ids.newId();
    public Instant issueInstant = Instant.now();
    public String issuer;
    public String destination;
    public String acsUrl;
    public String protocolBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    /** Null leaves ForceAuthn out. */
    public Boolean forceAuthn;
    public String relayState = "relay-" + Ids.newId();

    /** A request from this SP to this IdP SSO endpoint, every optional field present. */
    public static AuthnRequests to(String ssoUrl, String spEntityId, String acsUrl) {
        AuthnRequests request = new AuthnRequests();
        request.destination = ssoUrl;
        request.issuer = spEntityId;
        request.acsUrl = acsUrl;
        return request;
    }

    public Document document() {
        Document doc = Xml.newDocument();
        Element root = doc.createElementNS(SamlResponseBuilder.PROTOCOL_NS, "samlp:AuthnRequest");
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:samlp", SamlResponseBuilder.PROTOCOL_NS);
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", SamlResponseBuilder.ASSERTION_NS);
        doc.appendChild(root);
        root.setAttribute("ID", id);
        root.setAttribute("Version", "2.0");
        root.setAttribute("IssueInstant", DateTimeFormatter.ISO_INSTANT.format(issueInstant.truncatedTo(ChronoUnit.SECONDS)));
        if (destination != null) {
            root.setAttribute("Destination", destination);
        }
        if (acsUrl != null) {
            root.setAttribute("AssertionConsumerServiceURL", acsUrl);
        }
        if (protocolBinding != null) {
            root.setAttribute("ProtocolBinding", protocolBinding);
        }
        if (forceAuthn != null) {
            root.setAttribute("ForceAuthn", forceAuthn.toString());
        }
        if (issuer != null) {
            Element element = doc.createElementNS(SamlResponseBuilder.ASSERTION_NS, "saml:Issuer");
            element.setTextContent(issuer);
            root.appendChild(element);
        }
        Element policy = doc.createElementNS(SamlResponseBuilder.PROTOCOL_NS, "samlp:NameIDPolicy");
        policy.setAttribute("AllowCreate", "true");
        root.appendChild(policy);
        return doc;
    }

    public String xml() {
        return Xml.toString(document());
    }

    /** HTTP-Redirect binding, unsigned: {@code ssoUrl?SAMLRequest=...&RelayState=...}. */
    public String redirectUrl(String ssoUrl) {
        return ssoUrl + "?" + unsignedQuery();
    }

    /** HTTP-Redirect binding, signed over the query string with the key's usual algorithm. */
    public String signedRedirectUrl(String ssoUrl, TestCredentials signer) {
        boolean ec = "EC".equals(signer.privateKey().getAlgorithm());
        return signedRedirectUrl(ssoUrl, signer.privateKey(), ec ? ECDSA_SHA256 : RSA_SHA256);
    }

    /** HTTP-Redirect binding, signed with this key and SigAlg (RSA-SHA256 or ECDSA-SHA256). */
    public String signedRedirectUrl(String ssoUrl, PrivateKey key, String sigAlg) {
        String query = unsignedQuery() + "&SigAlg=" + url(sigAlg);
        return ssoUrl + "?" + query + "&Signature=" + url(sign(query, key, sigAlg));
    }

    /** The Base64 signature value over these query octets, as the Redirect binding computes it. */
    public static String sign(String queryOctets, PrivateKey key, String sigAlg) {
        try {
            Signature signer = Signature.getInstance(ECDSA_SHA256.equals(sigAlg) ? "SHA256withECDSAinP1363Format"
                    : sigAlg.endsWith("#ecdsa-sha384") ? "SHA384withECDSAinP1363Format" : "SHA256withRSA");
            signer.initSign(key);
            signer.update(queryOctets.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HTTP-POST binding: base64 of the XML, unsigned. */
    public String postValue() {
        return Xml.base64(document());
    }

    /** HTTP-POST binding: base64 of the XML with an enveloped signature (KeyInfo carries the signer's certificate). */
    public String signedPostValue(TestCredentials signer) {
        Document doc = document();
        XmlSigning.sign(doc.getDocumentElement(), signer);
        return Xml.base64(doc);
    }

    private String unsignedQuery() {
        String query = "SAMLRequest=" + url(Xml.deflateBase64(xml()));
        return relayState == null ? query : query + "&RelayState=" + url(relayState);
    }

    public static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
