package dev.portcullis.testing;

import java.security.cert.X509Certificate;

import org.apache.xml.security.Init;
import org.apache.xml.security.exceptions.XMLSecurityException;
import org.apache.xml.security.signature.XMLSignature;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Checks an enveloped signature the strict way: a direct child, one reference to the element's own ID, the given key only. */
public final class Signatures {

    static {
        Init.init();
    }

    private Signatures() {
    }

    /** The element's own ds:Signature child, or null. */
    public static Element signatureOf(Element element) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && "http://www.w3.org/2000/09/xmldsig#".equals(e.getNamespaceURI())
                    && "Signature".equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    /** True when the element carries a signature over itself that verifies with this certificate's key. */
    public static boolean verifies(Element element, X509Certificate certificate) {
        Element signatureElement = signatureOf(element);
        if (signatureElement == null) {
            return false;
        }
        element.setIdAttributeNS(null, "ID", true);
        try {
            XMLSignature signature = new XMLSignature(signatureElement, "", true);
            if (signature.getSignedInfo().getLength() != 1
                    || !("#" + element.getAttribute("ID")).equals(signature.getSignedInfo().item(0).getURI())) {
                return false;
            }
            return signature.checkSignatureValue(certificate);
        } catch (XMLSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
