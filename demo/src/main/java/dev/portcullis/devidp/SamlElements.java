package dev.portcullis.devidp;

import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.portcullis.testkit.SamlResponseBuilder;

/** Reading SAML protocol messages by namespace and local name, direct children only. Stateless. */
final class SamlElements {

    private SamlElements() {
    }

    /** The element's direct children with this namespace and local name, in document order. */
    static List<Element> children(Element parent, String namespace, String localName) {
        List<Element> found = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && namespace.equals(element.getNamespaceURI())
                    && localName.equals(element.getLocalName())) {
                found.add(element);
            }
        }
        return found;
    }

    /** The text of the message's first saml:Issuer child, trimmed, or null when it has none. */
    static String issuer(Element root) {
        List<Element> issuers = children(root, SamlResponseBuilder.ASSERTION_NS, "Issuer");
        return issuers.isEmpty() ? null : issuers.get(0).getTextContent().trim();
    }

    /** An unqualified attribute's value, or null when it is absent (not "" as the DOM says). */
    static String attribute(Element element, String name) {
        return element.hasAttributeNS(null, name) ? element.getAttributeNS(null, name) : null;
    }
}
