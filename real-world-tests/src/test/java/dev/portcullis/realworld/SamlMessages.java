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
        String encoded = HtmlForm.withInput(autoPost, "SAMLResponse")
                .orElseThrow(() -> new AssertionError("no SAMLResponse form:\n" + autoPost.body()))
                .fields().get("SAMLResponse");
        return Xml.parse(new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8)).getDocumentElement();
    }

    /** The one Assertion of a Response. */
    static Element assertion(Element response) {
        Element assertion = Xml.first(response, ASSERTION, "Assertion");
        if (assertion == null) {
            throw new AssertionError("no Assertion in the Response (encrypted assertions are not used here)");
        }
        return assertion;
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
