package dev.portcullis.testkit;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Writes the SAML metadata of an identity provider: entityID, signing keys and endpoints. */
public final class IdpMetadataWriter {

    public static final String METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
    public static final String DS_NS = "http://www.w3.org/2000/09/xmldsig#";
    public static final String REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    public static final String POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

    private final String entityId;
    private final List<String> signingCertificates = new ArrayList<>();
    private final List<String[]> ssoServices = new ArrayList<>();
    private final List<String[]> sloServices = new ArrayList<>();
    private boolean wantAuthnRequestsSigned;

    public IdpMetadataWriter(String entityId) {
        this.entityId = entityId;
    }

    /** Adds a signing key (several give a rollover). */
    public IdpMetadataWriter signingCertificate(TestCredentials credentials) {
        signingCertificates.add(credentials.certificateBase64());
        return this;
    }

    public IdpMetadataWriter singleSignOnService(String binding, String location) {
        ssoServices.add(new String[] {binding, location});
        return this;
    }

    public IdpMetadataWriter singleLogoutService(String binding, String location) {
        sloServices.add(new String[] {binding, location});
        return this;
    }

    public IdpMetadataWriter wantAuthnRequestsSigned(boolean value) {
        this.wantAuthnRequestsSigned = value;
        return this;
    }

    public Document toDocument() {
        Document doc = Xml.newDocument();
        Element entity = doc.createElementNS(METADATA_NS, "md:EntityDescriptor");
        entity.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:md", METADATA_NS);
        entity.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ds", DS_NS);
        entity.setAttribute("entityID", entityId);
        doc.appendChild(entity);
        Element idp = child(entity, METADATA_NS, "md:IDPSSODescriptor");
        idp.setAttribute("protocolSupportEnumeration", "urn:oasis:names:tc:SAML:2.0:protocol");
        idp.setAttribute("WantAuthnRequestsSigned", Boolean.toString(wantAuthnRequestsSigned));
        for (String certificate : signingCertificates) {
            Element key = child(idp, METADATA_NS, "md:KeyDescriptor");
            key.setAttribute("use", "signing");
            Element info = child(key, DS_NS, "ds:KeyInfo");
            Element data = child(info, DS_NS, "ds:X509Data");
            child(data, DS_NS, "ds:X509Certificate").setTextContent(certificate);
        }
        for (String[] service : sloServices) {
            Element element = child(idp, METADATA_NS, "md:SingleLogoutService");
            element.setAttribute("Binding", service[0]);
            element.setAttribute("Location", service[1]);
        }
        child(idp, METADATA_NS, "md:NameIDFormat").setTextContent(SamlResponseBuilder.NAMEID_UNSPECIFIED);
        for (String[] service : ssoServices) {
            Element element = child(idp, METADATA_NS, "md:SingleSignOnService");
            element.setAttribute("Binding", service[0]);
            element.setAttribute("Location", service[1]);
        }
        return doc;
    }

    @Override
    public String toString() {
        return Xml.toString(toDocument());
    }

    private static Element child(Element parent, String ns, String name) {
        Element element = parent.getOwnerDocument().createElementNS(ns, name);
        parent.appendChild(element);
        return element;
    }
}
