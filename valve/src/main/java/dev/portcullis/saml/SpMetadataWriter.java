package dev.portcullis.saml;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Writes this service provider's metadata for IdP administrators to import: entityID, whether
 * AuthnRequests are signed and assertions must be, the signing certificate and the Assertion
 * Consumer Service (HTTP-POST).
 */
public final class SpMetadataWriter {

    private SpMetadataWriter() {
    }

    /**
     * @param signingCertificates certificates to publish for signing (empty when requests are not signed)
     * @param nameIdFormat        the NameID format asked for, or null
     */
    public static String write(String entityId, String acsUrl, List<X509Certificate> signingCertificates,
                               boolean authnRequestsSigned, boolean wantAssertionsSigned, String nameIdFormat) {
        StringBuilder xml = new StringBuilder(2048);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<md:EntityDescriptor xmlns:md=\"").append(SamlConstants.METADATA_NS)
                .append("\" xmlns:ds=\"").append(SamlConstants.DSIG_NS)
                .append("\" entityID=\"").append(XmlText.escape(entityId)).append("\">\n");
        xml.append("  <md:SPSSODescriptor protocolSupportEnumeration=\"").append(SamlConstants.PROTOCOL_NS)
                .append("\" AuthnRequestsSigned=\"").append(authnRequestsSigned)
                .append("\" WantAssertionsSigned=\"").append(wantAssertionsSigned).append("\">\n");
        for (X509Certificate certificate : signingCertificates) {
            xml.append("    <md:KeyDescriptor use=\"signing\">\n");
            xml.append("      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>");
            try {
                xml.append(Base64.getEncoder().encodeToString(certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode the SP certificate", e);
            }
            xml.append("</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n");
            xml.append("    </md:KeyDescriptor>\n");
        }
        if (nameIdFormat != null) {
            xml.append("    <md:NameIDFormat>").append(XmlText.escape(nameIdFormat)).append("</md:NameIDFormat>\n");
        }
        xml.append("    <md:AssertionConsumerService Binding=\"").append(SamlConstants.POST_BINDING)
                .append("\" Location=\"").append(XmlText.escape(acsUrl)).append("\" index=\"0\" isDefault=\"true\"/>\n");
        xml.append("  </md:SPSSODescriptor>\n");
        xml.append("</md:EntityDescriptor>\n");
        return xml.toString();
    }
}
