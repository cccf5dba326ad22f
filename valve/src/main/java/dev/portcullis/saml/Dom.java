package dev.portcullis.saml;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Small, strict DOM reads. Children are found among an element's direct children only, never by a
 * document-wide search, so a value is always read from the element that was checked.
 */
final class Dom {

    private Dom() {
    }

    /** Direct element children with this namespace and local name. */
    static List<Element> children(Element parent, String ns, String localName) {
        List<Element> result = new ArrayList<>(2);
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && localName.equals(child.getLocalName())
                    && ns.equals(child.getNamespaceURI())) {
                result.add((Element) child);
            }
        }
        return result;
    }

    /** The one direct child of that name, null if there is none; more than one is an error. */
    static Element optionalChild(Element parent, String ns, String localName, SamlErrorCode code)
            throws SamlValidationException {
        List<Element> found = children(parent, ns, localName);
        if (found.size() > 1) {
            throw new SamlValidationException(code, parent.getLocalName() + " has " + found.size() + " " + localName
                    + " elements [expected at most 1]");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    static Element requiredChild(Element parent, String ns, String localName, SamlErrorCode code)
            throws SamlValidationException {
        Element child = optionalChild(parent, ns, localName, code);
        if (child == null) {
            throw new SamlValidationException(code, parent.getLocalName() + " has no " + localName);
        }
        return child;
    }

    /** An attribute's value, or null when the attribute is absent (DOM returns "" for both). */
    static String attribute(Element element, String name) {
        return element.hasAttributeNS(null, name) ? element.getAttributeNS(null, name) : null;
    }

    /**
     * The whole text content of an element, all text nodes joined and comments or processing
     * instructions skipped, so that {@code alice@example.com<!---->.evil.com} reads as
     * {@code alice@example.com.evil.com} and never as its first text node (CVE-2017-11427,
     * CVE-2018-0489). An element with element children is refused: a SAML string value has none.
     */
    static String text(Element element, SamlErrorCode code) throws SamlValidationException {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE) {
                throw new SamlValidationException(code, element.getLocalName() + " contains an element where text is expected");
            }
        }
        return element.getTextContent();
    }

    /** An xs:dateTime attribute, or null when absent. */
    static Instant instant(Element element, String name) throws SamlValidationException {
        String value = attribute(element, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                throw new SamlValidationException(SamlErrorCode.MALFORMED_RESPONSE_DATA, element.getLocalName() + "@"
                        + name + " is not an xs:dateTime [" + SecureXml.truncate(value) + "]");
            }
        }
    }
}
