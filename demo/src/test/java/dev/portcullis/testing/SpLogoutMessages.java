package dev.portcullis.testing;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Ids;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Single Logout messages as a service provider sends them to an IdP: a LogoutRequest (SP-initiated
 * logout) or a LogoutResponse (the answer to the IdP's own LogoutRequest). Every field is settable so
 * that a test can change one thing; encoded for either binding, signed or not.
 */
public final class SpLogoutMessages {

    public static final String PARTIAL_LOGOUT = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";
    public static final String STATUS_REQUESTER = "urn:oasis:names:tc:SAML:2.0:status:Requester";

    /** The root element's local name: LogoutRequest or LogoutResponse. */
    public String element;
    public String id = Ids.newId();
    public String version = "2.0";
    public Instant issueInstant = Instant.now();
    public Instant notOnOrAfter;
    public String destination;
    public String issuer;
    public String relayState = "sp-" + Ids.newId().substring(1, 17);

    // LogoutRequest
    public String nameId;
    public String nameIdFormat = SamlResponseBuilder.NAMEID_UNSPECIFIED;
    public final List<String> sessionIndexes = new ArrayList<>();

    // LogoutResponse
    public String inResponseTo;
    public String statusCode = SamlResponseBuilder.STATUS_SUCCESS;

    /** A LogoutRequest from this SP for one session, every usual field present. */
    public static SpLogoutMessages request(String idpSloUrl, String spEntityId, String nameId, String sessionIndex) {
        SpLogoutMessages message = new SpLogoutMessages();
        message.element = "LogoutRequest";
        message.destination = idpSloUrl;
        message.issuer = spEntityId;
        message.nameId = nameId;
        if (sessionIndex != null) {
            message.sessionIndexes.add(sessionIndex);
        }
        return message;
    }

    /** A LogoutResponse from this SP answering the IdP's LogoutRequest with Success. */
    public static SpLogoutMessages response(String idpSloUrl, String spEntityId, String inResponseTo, String relayState) {
        SpLogoutMessages message = new SpLogoutMessages();
        message.element = "LogoutResponse";
        message.destination = idpSloUrl;
        message.issuer = spEntityId;
        message.inResponseTo = inResponseTo;
        message.relayState = relayState;
        return message;
    }

    /** The form field or query parameter that carries this message. */
    public String parameter() {
        return "LogoutResponse".equals(element) ? "SAMLResponse" : "SAMLRequest";
    }

    public Document document() {
        Document doc = Xml.newDocument();
        Element root = doc.createElementNS(SamlResponseBuilder.PROTOCOL_NS, "samlp:" + element);
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:samlp", SamlResponseBuilder.PROTOCOL_NS);
        root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:saml", SamlResponseBuilder.ASSERTION_NS);
        doc.appendChild(root);
        if (id != null) {
            root.setAttribute("ID", id);
        }
        root.setAttribute("Version", version);
        if (issueInstant != null) {
            root.setAttribute("IssueInstant", instant(issueInstant));
        }
        if (notOnOrAfter != null) {
            root.setAttribute("NotOnOrAfter", instant(notOnOrAfter));
        }
        if (destination != null) {
            root.setAttribute("Destination", destination);
        }
        if (inResponseTo != null) {
            root.setAttribute("InResponseTo", inResponseTo);
        }
        if (issuer != null) {
            append(root, SamlResponseBuilder.ASSERTION_NS, "saml:Issuer", issuer);
        }
        if ("LogoutResponse".equals(element)) {
            Element status = append(root, SamlResponseBuilder.PROTOCOL_NS, "samlp:Status", null);
            append(status, SamlResponseBuilder.PROTOCOL_NS, "samlp:StatusCode", null).setAttribute("Value", statusCode);
        } else {
            if (nameId != null) {
                Element name = append(root, SamlResponseBuilder.ASSERTION_NS, "saml:NameID", nameId);
                if (nameIdFormat != null) {
                    name.setAttribute("Format", nameIdFormat);
                }
            }
            for (String sessionIndex : sessionIndexes) {
                append(root, SamlResponseBuilder.PROTOCOL_NS, "samlp:SessionIndex", sessionIndex);
            }
        }
        return doc;
    }

    public String xml() {
        return Xml.toString(document());
    }

    /** HTTP-Redirect binding, unsigned. */
    public String redirectUrl(String url) {
        return url + "?" + unsignedQuery(xml());
    }

    /** HTTP-Redirect binding, signed over the query string with the key's usual algorithm. */
    public String signedRedirectUrl(String url, TestCredentials signer) {
        return signedRedirectUrl(url, xml(), signer);
    }

    /** HTTP-Redirect binding carrying this XML text as it is, signed over the query string. */
    public String signedRedirectUrl(String url, String xml, TestCredentials signer) {
        boolean ec = "EC".equals(signer.privateKey().getAlgorithm());
        String sigAlg = ec ? AuthnRequests.ECDSA_SHA256 : AuthnRequests.RSA_SHA256;
        String query = unsignedQuery(xml) + "&SigAlg=" + AuthnRequests.url(sigAlg);
        return url + "?" + query + "&Signature=" + AuthnRequests.url(AuthnRequests.sign(query, signer.privateKey(), sigAlg));
    }

    /** HTTP-POST binding, unsigned: the form fields. */
    public Map<String, String> postFields() {
        return fields(Xml.base64(document()));
    }

    /** HTTP-POST binding with an enveloped signature (KeyInfo carries the signer's certificate): the form fields. */
    public Map<String, String> signedPostFields(TestCredentials signer) {
        Document doc = document();
        XmlSigning.sign(doc.getDocumentElement(), signer);
        return fields(Xml.base64(doc));
    }

    private Map<String, String> fields(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(parameter(), value);
        if (relayState != null) {
            fields.put("RelayState", relayState);
        }
        return fields;
    }

    private String unsignedQuery(String xml) {
        String query = parameter() + "=" + AuthnRequests.url(Xml.deflateBase64(xml));
        return relayState == null ? query : query + "&RelayState=" + AuthnRequests.url(relayState);
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
}
