package dev.portcullis.realworld;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.w3c.dom.Element;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.Xml;

/**
 * Reads the SAML messages that pass through the browser, so that a test can check what the valve
 * and the IdP really sent rather than trust either.
 */
final class SamlMessages {

    static final String PROTOCOL = "urn:oasis:names:tc:SAML:2.0:protocol";
    static final String ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion";
    static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";

    private SamlMessages() {
    }

    /** The AuthnRequest carried by a Redirect-binding URL. */
    static Element authnRequest(String redirectUrl) {
        String encoded = Browser.query(redirectUrl).get("SAMLRequest");
        if (encoded == null) {
            throw new AssertionError("no SAMLRequest in " + redirectUrl);
        }
        return Xml.parse(RedirectBinding.inflate(encoded)).getDocumentElement();
    }

    /** The Response in the IdP's auto-post form. */
    static Element response(Browser.Page autoPost) {
        return postMessage(HtmlForm.withInput(autoPost, "SAMLResponse")
                .orElseThrow(() -> new AssertionError("no SAMLResponse form:\n" + autoPost.body()))
                .fields().get("SAMLResponse"));
    }

    /** A message as the HTTP-POST binding carries it (base64). */
    static Element postMessage(String base64) {
        return Xml.parse(new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8)).getDocumentElement();
    }

    /** A message as the HTTP-Redirect binding carries it (DEFLATE, then base64; already URL-decoded). */
    static Element redirectMessage(String base64) {
        return Xml.parse(RedirectBinding.inflate(base64)).getDocumentElement();
    }

    /** The one plain (not encrypted) Assertion of a Response. */
    static Element assertion(Element response) {
        Element assertion = Xml.first(response, ASSERTION, "Assertion");
        if (assertion == null) {
            throw new AssertionError("no plain Assertion in the Response");
        }
        return assertion;
    }

    /** The text of the first element {@code ns:localName} under {@code root}, or null. */
    static String text(Element root, String ns, String localName) {
        Element element = Xml.first(root, ns, localName);
        return element == null ? null : element.getTextContent().strip();
    }

    /** Whether {@code element} has a ds:Signature as a direct child (an enveloped signature of that element). */
    static boolean signsItself(Element element) {
        for (org.w3c.dom.Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && DSIG.equals(e.getNamespaceURI()) && "Signature".equals(e.getLocalName())) {
                return true;
            }
        }
        return false;
    }
}
