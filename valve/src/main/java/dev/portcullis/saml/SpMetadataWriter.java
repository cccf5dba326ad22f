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
     * @param signingCertificates    certificates to publish for signing (empty when requests are not signed)
     * @param encryptionCertificates RSA certificates the IdP may encrypt assertions for (empty: none)
     * @param nameIdFormat           the NameID format asked for, or null
     */
    public static String write(String entityId, String acsUrl, List<X509Certificate> signingCertificates,
                               List<X509Certificate> encryptionCertificates, boolean authnRequestsSigned,
                               boolean wantAssertionsSigned, String nameIdFormat) {
        return write(entityId, acsUrl, null, signingCertificates, encryptionCertificates, authnRequestsSigned,
                wantAssertionsSigned, nameIdFormat);
    }

    /** @param sloUrl the SingleLogoutService URL (HTTP-Redirect and HTTP-POST), or null when there is none */
    public static String write(String entityId, String acsUrl, String sloUrl, List<X509Certificate> signingCertificates,
                               List<X509Certificate> encryptionCertificates, boolean authnRequestsSigned,
                               boolean wantAssertionsSigned, String nameIdFormat) {
        StringBuilder xml = new StringBuilder(2048);
        xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<md:EntityDescriptor xmlns:md=\"").append(SamlConstants.METADATA_NS)
                .append("\" xmlns:ds=\"").append(SamlConstants.DSIG_NS)
                .append("\" entityID=\"").append(XmlText.escape(entityId)).append("\">\n");
        xml.append("  <md:SPSSODescriptor protocolSupportEnumeration=\"").append(SamlConstants.PROTOCOL_NS)
                .append("\" AuthnRequestsSigned=\"").append(authnRequestsSigned)
                .append("\" WantAssertionsSigned=\"").append(wantAssertionsSigned).append("\">\n");
        for (X509Certificate certificate : signingCertificates) {
            keyDescriptor(xml, "signing", certificate);
            xml.append("    </md:KeyDescriptor>\n");
        }
        for (X509Certificate certificate : encryptionCertificates) {
            keyDescriptor(xml, "encryption", certificate);
            // What the IdP should use, strongest first (saml-metadata-2.0-os 2.4.1.1).
            for (String algorithm : List.of(Decrypter.AES256_GCM, Decrypter.AES128_GCM, Decrypter.RSA_OAEP,
                    Decrypter.RSA_OAEP_MGF1P)) {
                xml.append("      <md:EncryptionMethod Algorithm=\"").append(algorithm).append("\"/>\n");
            }
            xml.append("    </md:KeyDescriptor>\n");
        }
        if (sloUrl != null) {
            for (String binding : List.of(SamlConstants.REDIRECT_BINDING, SamlConstants.POST_BINDING)) {
                xml.append("    <md:SingleLogoutService Binding=\"").append(binding).append("\" Location=\"")
                        .append(XmlText.escape(sloUrl)).append("\"/>\n");
            }
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

    private static void keyDescriptor(StringBuilder xml, String use, X509Certificate certificate) {
        xml.append("    <md:KeyDescriptor use=\"").append(use).append("\">\n");
        xml.append("      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>");
        try {
            xml.append(Base64.getEncoder().encodeToString(certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the SP certificate", e);
        }
        xml.append("</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\n");
    }
}
