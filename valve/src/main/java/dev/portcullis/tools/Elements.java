package dev.portcullis.tools;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Read-only DOM access for the summaries. Unlike the validator's checks these never throw: a
 * summary describes whatever the message contains, however odd, and the validation section says
 * what is wrong with it.
 */
final class Elements {

    private Elements() {
    }

    /** The direct children of {@code parent} with this namespace and local name, in document order. */
    static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && namespace.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                found.add(e);
            }
        }
        return found;
    }

    /** The first such direct child, or null. */
    static Element child(Element parent, String namespace, String localName) {
        List<Element> found = children(parent, namespace, localName);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Follows a path of direct children in one namespace; null as soon as one is missing. */
    static Element path(Element from, String namespace, String... localNames) {
        Element at = from;
        for (String localName : localNames) {
            at = child(at, namespace, localName);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** An unqualified attribute's value, or null when absent (or when the element is null). */
    static String attribute(Element element, String name) {
        if (element == null || !element.hasAttributeNS(null, name)) {
            return null;
        }
        return element.getAttributeNS(null, name);
    }

    /**
     * The whole text content, stripped, or null for a null element: the whole text, as the validator
     * reads it, so a comment injected into a value shows up as the full value here too.
     */
    static String text(Element element) {
        return element == null ? null : element.getTextContent().strip();
    }

    /** An xs:dateTime attribute as an instant, or null when absent or not a date. */
    static Instant instant(Element element, String name) {
        String value = attribute(element, name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    /** Whether the element is {namespace}localName. */
    static boolean is(Element element, String namespace, String localName) {
        return element != null && namespace.equals(element.getNamespaceURI()) && localName.equals(element.getLocalName());
    }
}
