package dev.portcullis.tools;

import static dev.portcullis.saml.SamlConstants.DSIG_NS;
import static dev.portcullis.saml.SamlConstants.METADATA_NS;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.w3c.dom.Element;

import dev.portcullis.saml.IdpMetadataParser;
import dev.portcullis.saml.MetadataException;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SecureXml;

/**
 * The summary of SAML metadata: per entity its entityID, its roles (IdP, SP, others), its
 * certificates with subject and expiry, and its endpoints per binding. Certificates that have
 * expired, or expire within {@link #EXPIRY_WARNING}, are flagged, as the valve does at start.
 * For every identity provider it also says whether the valve would accept the document as its
 * {@code idpMetadata}, by asking the valve's own {@link IdpMetadataParser}.
 */
final class MetadataSummary {

    /** Warn about certificates that expire this soon, like the valve's start-up check. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    /** Entities described in full in an aggregate; the rest are counted ({@code --entity} picks one). */
    static final int MAX_ENTITIES = 20;

    private static final Map<String, String> BINDINGS = Map.of(
            SamlConstants.POST_BINDING, "HTTP-POST",
            SamlConstants.REDIRECT_BINDING, "HTTP-Redirect",
            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact", "HTTP-Artifact",
            "urn:oasis:names:tc:SAML:2.0:bindings:SOAP", "SOAP",
            "urn:oasis:names:tc:SAML:2.0:bindings:PAOS", "PAOS",
            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign", "HTTP-POST-SimpleSign");

    private final Report report;
    private final Instant at;
    private final SecureXml xml;

    /** @param at the instant that certificate and metadata expiry are judged at */
    MetadataSummary(Report report, Instant at, SecureXml xml) {
        this.report = report;
        this.at = at;
        this.xml = xml;
    }

    /**
     * Prints the summary.
     *
     * @param bytes  the document as read, for the valve's parser
     * @param entity the one entityID to describe, or null for all (up to {@link #MAX_ENTITIES})
     * @return whether every identity provider described would be accepted by the valve
     */
    boolean print(Element root, byte[] bytes, String entity) {
        List<Element> entities = new ArrayList<>();
        collect(root, entities);
        if (Elements.is(root, METADATA_NS, "EntitiesDescriptor")) {
            report.line("EntitiesDescriptor");
            report.field(1, "Name", Elements.attribute(root, "Name"));
            report.field(1, "entities", String.valueOf(entities.size()));
            validity(root, 1);
            report.field(1, "Signature", MessageSummary.signature(root));
        }
        if (entity != null) {
            entities.removeIf(e -> !entity.equals(Elements.attribute(e, "entityID")));
            if (entities.isEmpty()) {
                report.warning(0, "no EntityDescriptor with entityID " + Text.quoted(entity));
                return false;
            }
        }
        boolean usable = true;
        int shown = 0;
        for (Element descriptor : entities) {
            if (shown++ == MAX_ENTITIES) {
                report.line("... and " + (entities.size() - MAX_ENTITIES) + " more entities (--entity ENTITY_ID describes one)");
                break;
            }
            usable &= entity(descriptor, root, bytes, entities.size() == 1);
        }
        return usable;
    }

    private static void collect(Element element, List<Element> into) {
        if (Elements.is(element, METADATA_NS, "EntityDescriptor")) {
            into.add(element);
            return;
        }
        for (Element child : Elements.children(element, METADATA_NS, "EntityDescriptor")) {
            into.add(child);
        }
        for (Element nested : Elements.children(element, METADATA_NS, "EntitiesDescriptor")) {
            collect(nested, into);
        }
    }

    /** @return false when the entity is an IdP that the valve would refuse */
    private boolean entity(Element descriptor, Element root, byte[] bytes, boolean only) {
        String entityId = Elements.attribute(descriptor, "entityID");
        report.line("EntityDescriptor");
        report.field(1, "entityID", entityId);
        validity(descriptor, 1);
        if (descriptor == root || !Elements.children(descriptor, DSIG_NS, "Signature").isEmpty()) {
            report.field(1, "Signature", MessageSummary.signature(descriptor));
        }
        boolean idp = false;
        for (Element role = first(descriptor); role != null; role = next(role)) {
            if (!METADATA_NS.equals(role.getNamespaceURI()) || !role.getLocalName().endsWith("Descriptor")) {
                continue;
            }
            idp |= role(role);
        }
        if (!idp) {
            return true;
        }
        try {
            new IdpMetadataParser(xml).parse(bytes, only ? null : entityId, at);
            report.field(1, "as idpMetadata", "the valve would accept this IdP (at " + at + ")");
            return true;
        } catch (MetadataException e) {
            report.warning(1, "the valve would refuse this as idpMetadata: " + Text.safe(e.getMessage()));
            return false;
        }
    }

    /** @return whether this is a SAML 2.0 IDPSSODescriptor */
    private boolean role(Element role) {
        String name = role.getLocalName();
        String protocols = Elements.attribute(role, "protocolSupportEnumeration");
        boolean saml2 = protocols != null && List.of(protocols.trim().split("\\s+")).contains(SamlConstants.PROTOCOL_NS);
        String what = switch (name) {
            case "IDPSSODescriptor" -> "identity provider";
            case "SPSSODescriptor" -> "service provider";
            case "AttributeAuthorityDescriptor" -> "attribute authority";
            default -> name;
        };
        report.line("  " + what + " (" + Text.safe(name) + (saml2 ? ", SAML 2.0" : ", protocols " + Text.safe(protocols)) + ")");
        switch (name) {
            case "IDPSSODescriptor" -> report.field(2, "WantAuthnRequestsSigned",
                    orDefault(Elements.attribute(role, "WantAuthnRequestsSigned"), "false"));
            case "SPSSODescriptor" -> {
                report.field(2, "AuthnRequestsSigned", orDefault(Elements.attribute(role, "AuthnRequestsSigned"), "false"));
                report.field(2, "WantAssertionsSigned", orDefault(Elements.attribute(role, "WantAssertionsSigned"), "false"));
            }
            default -> {
            }
        }
        for (Element key : Elements.children(role, METADATA_NS, "KeyDescriptor")) {
            certificates(key);
        }
        Map<String, List<String>> endpoints = new LinkedHashMap<>();
        for (Element endpoint = first(role); endpoint != null; endpoint = next(endpoint)) {
            String location = Elements.attribute(endpoint, "Location");
            if (METADATA_NS.equals(endpoint.getNamespaceURI()) && location != null) {
                String binding = Elements.attribute(endpoint, "Binding");
                String index = Elements.attribute(endpoint, "index");
                String isDefault = Elements.attribute(endpoint, "isDefault");
                String response = Elements.attribute(endpoint, "ResponseLocation");
                endpoints.computeIfAbsent(endpoint.getLocalName(), k -> new ArrayList<>()).add(
                        pad(BINDINGS.getOrDefault(binding, Text.safe(binding)), 15) + " " + Text.safe(location)
                                + (index == null ? "" : "  index " + Text.safe(index))
                                + ("true".equals(isDefault) ? " (default)" : "")
                                + (response == null ? "" : "  responses to " + Text.safe(response)));
            }
        }
        endpoints.forEach((service, lines) -> {
            report.indented(2, Text.safe(service));
            lines.forEach(line -> report.indented(3, line));
        });
        List<String> formats = new ArrayList<>();
        for (Element format : Elements.children(role, METADATA_NS, "NameIDFormat")) {
            formats.add(Text.shortUri(Elements.text(format)));
        }
        if (!formats.isEmpty()) {
            report.field(2, "NameIDFormats", String.join(", ", formats));
        }
        return saml2 && name.equals("IDPSSODescriptor");
    }

    private void certificates(Element key) {
        String use = Elements.attribute(key, "use");
        String label = use == null ? "certificate (signing and encryption)" : Text.safe(use) + " certificate";
        Element data = Elements.path(key, DSIG_NS, "KeyInfo", "X509Data");
        List<Element> certificates = Elements.children(data, DSIG_NS, "X509Certificate");
        if (certificates.isEmpty()) {
            report.field(2, label, "(a KeyDescriptor without an X509Certificate)");
        }
        for (Element element : certificates) {
            X509Certificate certificate;
            try {
                byte[] der = Base64.getMimeDecoder().decode(element.getTextContent().replaceAll("\\s+", ""));
                certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            } catch (IllegalArgumentException | CertificateException e) {
                report.warning(2, label + ": cannot be read (" + Text.safe(e.getMessage()) + ")");
                continue;
            }
            describe(report, 2, label, certificate, at);
        }
    }

    /** Subject, issuer, validity (flagged when expired or close to it), key and fingerprint of a certificate. */
    static void describe(Report report, int level, String label, X509Certificate certificate, Instant at) {
        report.field(level, label, certificate.getSubjectX500Principal().getName());
        if (!certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
            report.field(level + 1, "issuer", certificate.getIssuerX500Principal().getName());
        }
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        report.field(level + 1, "valid", notBefore + " to " + notAfter);
        if (!at.isBefore(notAfter)) {
            report.warning(level + 1, "EXPIRED " + Text.human(Duration.between(notAfter, at)) + " before the check instant");
        } else if (Duration.between(at, notAfter).compareTo(EXPIRY_WARNING) < 0) {
            report.warning(level + 1, "expires in " + Text.human(Duration.between(at, notAfter)) + " (less than 30 days)");
        } else if (at.isBefore(notBefore)) {
            report.warning(level + 1, "not valid yet at the check instant");
        }
        report.field(level + 1, "key", key(certificate.getPublicKey()));
        report.field(level + 1, "SHA-256", fingerprint(certificate));
    }

    private static String key(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength() + " bits";
        }
        if (key instanceof ECPublicKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize() + " bits";
        }
        return key.getAlgorithm();
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "(unavailable)";
        }
    }

    private void validity(Element element, int level) {
        String validUntil = Elements.attribute(element, "validUntil");
        if (validUntil != null) {
            Instant until = Elements.instant(element, "validUntil");
            report.field(level, "validUntil", until == null ? validUntil + " (not a date)" : until + "  (" + Text.relative(until, at) + ")");
            if (until != null && !at.isBefore(until)) {
                report.warning(level, "this metadata has EXPIRED (validUntil)");
            }
        }
        String cacheDuration = Elements.attribute(element, "cacheDuration");
        if (cacheDuration != null) {
            report.field(level, "cacheDuration", cacheDuration);
        }
    }

    private static Element first(Element parent) {
        org.w3c.dom.Node n = parent.getFirstChild();
        while (n != null && !(n instanceof Element)) {
            n = n.getNextSibling();
        }
        return (Element) n;
    }

    private static Element next(Element element) {
        org.w3c.dom.Node n = element.getNextSibling();
        while (n != null && !(n instanceof Element)) {
            n = n.getNextSibling();
        }
        return (Element) n;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
