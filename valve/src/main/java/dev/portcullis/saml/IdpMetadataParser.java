package dev.portcullis.saml;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads an IdP's SAML 2.0 metadata (an EntityDescriptor, or an EntitiesDescriptor from which one IdP
 * is chosen by entityID). Refuses metadata past its validUntil, an IdP without a SAML 2.0
 * IDPSSODescriptor, and an IdP without a signing key: with no key to check signatures against, no
 * response could be trusted. Thread-safe.
 */
public final class IdpMetadataParser {

    private static final String SAML2_PROTOCOL = SamlConstants.PROTOCOL_NS;

    private final SecureXml xml;

    public IdpMetadataParser(SecureXml xml) {
        this.xml = xml;
    }

    /**
     * @param metadata       the metadata document
     * @param wantedEntityId the IdP to pick, or null when the document must describe exactly one IdP
     * @param now            to check validUntil against
     */
    public IdpMetadata parse(byte[] metadata, String wantedEntityId, Instant now) throws MetadataException {
        return parse(metadata, wantedEntityId, now, null);
    }

    /**
     * @param signer when not null, the document's root must carry an enveloped signature that this
     *               validator accepts (metadata signed by the federation or IdP operator)
     */
    public IdpMetadata parse(byte[] metadata, String wantedEntityId, Instant now, SignatureValidator signer)
            throws MetadataException {
        Document doc;
        try {
            doc = xml.parse(metadata);
        } catch (SamlValidationException e) {
            throw new MetadataException("the metadata is not well-formed XML (" + e.detail() + ")", e);
        }
        Element root = doc.getDocumentElement();
        if (signer != null) {
            try {
                if (!signer.verifyIfPresent(root)) {
                    throw new MetadataException("the metadata is not signed, and idpMetadataSigningCertificate requires it");
                }
            } catch (SamlValidationException e) {
                throw new MetadataException("the metadata signature is not valid for idpMetadataSigningCertificate ("
                        + e.code().code() + ": " + e.detail() + ")", e);
            }
        }
        List<Element> candidates = new ArrayList<>();
        Instant rootValidUntil;
        try {
            rootValidUntil = Dom.instant(root, "validUntil");
        } catch (SamlValidationException e) {
            throw new MetadataException("validUntil is not a date (" + e.detail() + ")");
        }
        if (isMetadata(root, "EntityDescriptor")) {
            candidates.add(root);
        } else if (isMetadata(root, "EntitiesDescriptor")) {
            collectEntities(root, candidates);
        } else {
            throw new MetadataException("the document is not SAML metadata (root element "
                    + root.getLocalName() + " in namespace " + root.getNamespaceURI() + ")");
        }

        List<Element> idps = new ArrayList<>();
        for (Element entity : candidates) {
            if (idpDescriptor(entity) != null
                    && (wantedEntityId == null || wantedEntityId.equals(Dom.attribute(entity, "entityID")))) {
                idps.add(entity);
            }
        }
        if (idps.isEmpty()) {
            throw new MetadataException(wantedEntityId == null
                    ? "the metadata describes no SAML 2.0 identity provider (no IDPSSODescriptor)"
                    : "the metadata has no SAML 2.0 identity provider with entityID '" + wantedEntityId + "'");
        }
        if (idps.size() > 1) {
            throw new MetadataException("the metadata describes " + idps.size() + " identity providers; set"
                    + " idpEntityId to choose one");
        }
        Element entity = idps.get(0);
        String entityId = Dom.attribute(entity, "entityID");
        if (entityId == null || entityId.isBlank()) {
            throw new MetadataException("the EntityDescriptor has no entityID");
        }
        Instant validUntil;
        try {
            validUntil = earliest(rootValidUntil, Dom.instant(entity, "validUntil"));
        } catch (SamlValidationException e) {
            throw new MetadataException("validUntil is not a date (" + e.detail() + ")");
        }
        if (validUntil != null && !now.isBefore(validUntil)) {
            throw new MetadataException("the metadata expired at " + validUntil + " (validUntil); fetch a current copy");
        }
        Element idp = idpDescriptor(entity);
        List<X509Certificate> certificates = signingCertificates(idp);
        if (certificates.isEmpty()) {
            throw new MetadataException("the IdP '" + entityId + "' publishes no signing key (KeyDescriptor with"
                    + " an X509Certificate); without one no response could be verified");
        }
        Map<String, String> sso = endpoints(idp, "SingleSignOnService");
        if (sso.isEmpty()) {
            throw new MetadataException("the IdP '" + entityId + "' publishes no SingleSignOnService");
        }
        Map<String, String> slo = endpoints(idp, "SingleLogoutService");
        boolean wantSigned = "true".equals(String.valueOf(Dom.attribute(idp, "WantAuthnRequestsSigned")).trim().toLowerCase(Locale.ROOT))
                || "1".equals(Dom.attribute(idp, "WantAuthnRequestsSigned"));
        java.time.Duration cacheDuration = shortest(duration(root), duration(entity));
        return new IdpMetadata(entityId, certificates, sso, slo, wantSigned, validUntil, cacheDuration);
    }

    private static boolean isMetadata(Element element, String localName) {
        return SamlConstants.METADATA_NS.equals(element.getNamespaceURI()) && localName.equals(element.getLocalName());
    }

    private static void collectEntities(Element entities, List<Element> into) {
        for (Element child : Dom.children(entities, SamlConstants.METADATA_NS, "EntityDescriptor")) {
            into.add(child);
        }
        for (Element nested : Dom.children(entities, SamlConstants.METADATA_NS, "EntitiesDescriptor")) {
            collectEntities(nested, into);
        }
    }

    private static Element idpDescriptor(Element entity) {
        for (Element descriptor : Dom.children(entity, SamlConstants.METADATA_NS, "IDPSSODescriptor")) {
            String protocols = Dom.attribute(descriptor, "protocolSupportEnumeration");
            if (protocols != null && List.of(protocols.trim().split("\\s+")).contains(SAML2_PROTOCOL)) {
                return descriptor;
            }
        }
        return null;
    }

    private static List<X509Certificate> signingCertificates(Element idp) throws MetadataException {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Element key : Dom.children(idp, SamlConstants.METADATA_NS, "KeyDescriptor")) {
            String use = Dom.attribute(key, "use");
            if (use != null && !use.equals("signing")) {
                continue;
            }
            for (Element info : Dom.children(key, SamlConstants.DSIG_NS, "KeyInfo")) {
                for (Element data : Dom.children(info, SamlConstants.DSIG_NS, "X509Data")) {
                    for (Element cert : Dom.children(data, SamlConstants.DSIG_NS, "X509Certificate")) {
                        certificates.add(certificate(cert.getTextContent()));
                    }
                }
            }
        }
        return certificates;
    }

    static X509Certificate certificate(String base64) throws MetadataException {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64.replaceAll("\\s+", ""));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new MetadataException("an X509Certificate in the metadata cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> endpoints(Element idp, String localName) {
        Map<String, String> endpoints = new LinkedHashMap<>();
        for (Element service : Dom.children(idp, SamlConstants.METADATA_NS, localName)) {
            String binding = Dom.attribute(service, "Binding");
            String location = Dom.attribute(service, "Location");
            if (binding != null && location != null && !location.isBlank()) {
                endpoints.putIfAbsent(binding.trim(), location.trim());
            }
        }
        return endpoints;
    }

    /** The cacheDuration attribute (an xs:duration such as PT6H or P1D), or null. */
    private static java.time.Duration duration(Element element) throws MetadataException {
        String value = Dom.attribute(element, "cacheDuration");
        if (value == null) {
            return null;
        }
        try {
            javax.xml.datatype.Duration xsd = javax.xml.datatype.DatatypeFactory.newInstance().newDuration(value.trim());
            return java.time.Duration.ofMillis(xsd.getTimeInMillis(new java.util.Date()));
        } catch (IllegalArgumentException | javax.xml.datatype.DatatypeConfigurationException e) {
            throw new MetadataException("cacheDuration [" + SecureXml.truncate(value) + "] is not an xs:duration");
        }
    }

    private static java.time.Duration shortest(java.time.Duration a, java.time.Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }
}
