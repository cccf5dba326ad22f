package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.IDP_EC_KEY;
import static dev.portcullis.saml.SamlFixtures.IDP_KEY;
import static dev.portcullis.saml.SamlFixtures.NOW;
import static dev.portcullis.saml.SamlFixtures.OTHER_KEY;
import static dev.portcullis.saml.SamlFixtures.REQUEST_ID;
import static dev.portcullis.saml.SamlFixtures.assertion;
import static dev.portcullis.saml.SamlFixtures.encode;
import static dev.portcullis.saml.SamlFixtures.options;
import static dev.portcullis.saml.SamlFixtures.response;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.portcullis.testkit.Ids;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Signature wrapping and signature-profile attacks, after "On Breaking SAML: Be Whoever You Want to
 * Be" (Somorovsky et al., USENIX Security 2012; XSW1-XSW8 as catalogued by SAML Raider) and the
 * ruby-saml / Keycloak / Spring advisories (CVE-2024-45409, CVE-2024-8698, CVE-2020-5407). The
 * attacker holds one genuine, signed response for themselves and rearranges it so that a careless
 * SP verifies the genuine signature but reads the forged content.
 *
 * <p>Every attack first proves the genuine message it starts from is accepted, then that the
 * modified message is refused, with the error code of the defence that stops it.
 */
class SignatureWrappingTest {

    private static final String EVIL = "admin@example.com";

    private static void attack(Supplier<Document> genuine, Consumer<Document> tamper, SamlErrorCode expected) {
        Document original = genuine.get();
        String untouched = encode(original);
        String untouchedXml = Xml.toString(original);
        try {
            assertThat(SamlFixtures.validator().validate(untouched, REQUEST_ID).nameId()).isEqualTo("mallory@example.com");
        } catch (SamlValidationException e) {
            throw new AssertionError("the genuine message should be accepted: " + e, e);
        }
        Document attacked = Xml.parse(untouchedXml);
        tamper.accept(attacked);
        ResponseValidatorTest.refused(SamlFixtures.validator(), encode(attacked), REQUEST_ID, expected);
    }

    /** Mallory's genuine response, with a signed assertion. */
    private static Document signedAssertion() {
        SamlResponseBuilder builder = response();
        builder.nameId = "mallory@example.com";
        return SamlFixtures.signedAssertion(builder);
    }

    /** Mallory's genuine response, response and assertion both signed. */
    private static Document signedBoth() {
        Document doc = signedAssertion();
        XmlSigning.sign(doc.getDocumentElement(), IDP_KEY);
        return doc;
    }

    /** An unsigned assertion for the victim, with a fresh ID. */
    private static Element evilAssertion(Document into) {
        SamlResponseBuilder builder = response();
        builder.nameId = EVIL;
        return builder.buildAssertion(into);
    }

    private static Element signatureOf(Element element) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if ("Signature".equals(child.getLocalName())) {
                return (Element) child;
            }
        }
        throw new AssertionError("no signature");
    }

    private static Element extensions(Document doc) {
        Element extensions = doc.createElementNS(SamlConstants.PROTOCOL_NS, "samlp:Extensions");
        Element response = doc.getDocumentElement();
        Element status = Xml.first(doc, SamlConstants.PROTOCOL_NS, "Status");
        response.insertBefore(extensions, status);
        return extensions;
    }

    // ------------------------------------------------ wrapping the signed Response (XSW1, XSW2)

    @Test
    void xsw1EvilResponseWrapsTheSignedResponseAfterItsSignature() {
        attack(SignatureWrappingTest::signedBoth, doc -> {
            Element original = doc.getDocumentElement();
            Element evil = (Element) original.cloneNode(false);
            evil.setAttribute("ID", Ids.newId());
            doc.replaceChild(evil, original);
            evil.appendChild(signatureOf(original));
            evil.appendChild(Xml.first(original, SamlConstants.PROTOCOL_NS, "Status").cloneNode(true));
            evil.appendChild(evilAssertion(doc));
            signatureOf(evil).appendChild(original);
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void xsw2EvilResponseWithTheSignedResponseBeforeItsSignature() {
        attack(SignatureWrappingTest::signedBoth, doc -> {
            Element original = doc.getDocumentElement();
            Element evil = (Element) original.cloneNode(false);
            evil.setAttribute("ID", Ids.newId());
            doc.replaceChild(evil, original);
            Element signature = signatureOf(original);
            evil.appendChild(signature);
            signature.getParentNode().insertBefore(original, signature);
            evil.appendChild(Xml.first(original, SamlConstants.PROTOCOL_NS, "Status").cloneNode(true));
            evil.appendChild(evilAssertion(doc));
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void signedResponseHiddenInExtensionsWithAnEvilAssertionOutside() {
        attack(SignatureWrappingTest::signedBoth, doc -> {
            Element original = doc.getDocumentElement();
            Element evil = (Element) original.cloneNode(false);
            evil.setAttribute("ID", Ids.newId());
            doc.replaceChild(evil, original);
            Element ext = doc.createElementNS(SamlConstants.PROTOCOL_NS, "samlp:Extensions");
            evil.appendChild(ext);
            ext.appendChild(original);
            evil.appendChild(Xml.first(original, SamlConstants.PROTOCOL_NS, "Status").cloneNode(true));
            evil.appendChild(evilAssertion(doc));
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    // ------------------------------------------------ wrapping the signed Assertion (XSW3 - XSW8)

    @Test
    void xsw3EvilAssertionBeforeTheSignedOneWithTheSameId() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            Element evil = evilAssertion(doc);
            evil.setAttribute("ID", original.getAttribute("ID"));
            doc.getDocumentElement().insertBefore(evil, original);
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void xsw4EvilAssertionWrapsTheSignedOne() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            Element evil = evilAssertion(doc);
            doc.getDocumentElement().replaceChild(evil, original);
            evil.appendChild(original);
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void xsw5EvilAssertionCarriesTheCopiedSignatureAndTheOriginalIsAppended() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            Element evil = evilAssertion(doc);
            evil.setAttribute("ID", original.getAttribute("ID"));
            evil.insertBefore(signatureOf(original).cloneNode(true), evil.getFirstChild().getNextSibling());
            doc.getDocumentElement().replaceChild(evil, original);
            doc.getDocumentElement().appendChild(original);
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void xsw6TheSignedAssertionInsideTheCopiedSignatureOfTheEvilOne() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            Element evil = evilAssertion(doc);
            evil.setAttribute("ID", original.getAttribute("ID"));
            Element copied = (Element) signatureOf(original).cloneNode(true);
            evil.insertBefore(copied, evil.getFirstChild().getNextSibling());
            doc.getDocumentElement().replaceChild(evil, original);
            Element object = doc.createElementNS(SamlConstants.DSIG_NS, "ds:Object");
            copied.appendChild(object);
            object.appendChild(original);
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void xsw7TheSignedAssertionInExtensionsAndTheEvilOneOutside() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            extensions(doc).appendChild(original);
            doc.getDocumentElement().appendChild(evilAssertion(doc));
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    @Test
    void xsw8TheSignedAssertionInADsObjectOfTheEvilAssertionsSignature() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            Element evil = evilAssertion(doc);
            Element copied = (Element) signatureOf(original).cloneNode(true);
            evil.insertBefore(copied, evil.getFirstChild().getNextSibling());
            Element object = doc.createElementNS(SamlConstants.DSIG_NS, "ds:Object");
            copied.appendChild(object);
            doc.getDocumentElement().replaceChild(evil, original);
            object.appendChild(original);
        }, SamlErrorCode.INVALID_ASSERTION_COUNT);
    }

    // ------------------------------------------------ a single assertion: the reference checks alone

    @Test
    void theOriginalAssertionDisguisedInAForeignNamespaceWhileTheEvilOneReusesItsId() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            Element evil = evilAssertion(doc);
            evil.setAttribute("ID", original.getAttribute("ID"));
            evil.insertBefore(signatureOf(original).cloneNode(true), evil.getFirstChild().getNextSibling());
            doc.getDocumentElement().replaceChild(evil, original);
            Element disguise = doc.createElementNS("urn:example:attacker", "x:Assertion");
            disguise.setAttribute("ID", original.getAttribute("ID"));
            while (original.getFirstChild() != null) {
                disguise.appendChild(original.getFirstChild());
            }
            extensions(doc).appendChild(disguise);
        }, SamlErrorCode.INVALID_SIGNATURE_REFERENCE);
    }

    @Test
    void aValidSignatureThatReferencesAnotherElement() {
        // The IdP signed a different element (an Extensions block with an ID); the signature is moved
        // into the assertion. It verifies cryptographically, but does not cover the assertion.
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            original.removeChild(signatureOf(original));
            Element ext = extensions(doc);
            ext.setAttribute("ID", Ids.newId());
            Element signature = XmlSigning.sign(ext, IDP_KEY);
            original.insertBefore(signature, original.getFirstChild().getNextSibling());
        }, SamlErrorCode.INVALID_SIGNATURE_REFERENCE);
    }

    @Test
    void aSignatureOverTheWholeDocument() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            original.removeChild(signatureOf(original));
            XmlSigning.Options whole = new XmlSigning.Options();
            whole.referenceUri = "";
            XmlSigning.sign(original, IDP_KEY, whole);
        }, SamlErrorCode.INVALID_SIGNATURE_REFERENCE);
    }

    @Test
    void aReferenceToAnExternalUri() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element reference = Xml.first(assertion(doc), SamlConstants.DSIG_NS, "Reference");
            reference.setAttribute("URI", "http://attacker.example.net/assertion.xml");
        }, SamlErrorCode.INVALID_SIGNATURE_REFERENCE);
    }

    @Test
    void aSecondSignatureInTheAssertion() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            original.appendChild(signatureOf(original).cloneNode(true));
        }, SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void aDsObjectInsideTheSignature() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element signature = signatureOf(assertion(doc));
            signature.appendChild(doc.createElementNS(SamlConstants.DSIG_NS, "ds:Object"));
        }, SamlErrorCode.INVALID_SIGNATURE);
    }

    // ------------------------------------------------ keys and algorithms

    @Test
    void aSignatureByTheAttackersKeyWhoseCertificateIsInKeyInfo() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element original = assertion(doc);
            original.removeChild(signatureOf(original));
            Element name = Xml.first(original, SamlConstants.ASSERTION_NS, "NameID");
            name.setTextContent(EVIL);
            XmlSigning.sign(original, OTHER_KEY);
        }, SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void anHmacSignatureMethod() {
        attack(SignatureWrappingTest::signedAssertion, doc -> setSignatureMethod(doc,
                "http://www.w3.org/2000/09/xmldsig#hmac-sha1"), SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void anUnknownSignatureMethod() {
        attack(SignatureWrappingTest::signedAssertion, doc -> setSignatureMethod(doc, "urn:example:none"),
                SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void anMd5Digest() {
        attack(SignatureWrappingTest::signedAssertion, doc -> Xml.first(assertion(doc), SamlConstants.DSIG_NS, "DigestMethod")
                .setAttribute("Algorithm", "http://www.w3.org/2001/04/xmldsig-more#md5"),
                SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void aDigestMethodWithoutAlgorithm() {
        // Found by the fuzzer: an absent Algorithm once reached Set.of(...).contains(null), a 500.
        attack(SignatureWrappingTest::signedAssertion, doc -> Xml.first(assertion(doc), SamlConstants.DSIG_NS, "DigestMethod")
                .removeAttribute("Algorithm"), SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void aSignatureMethodWithoutAlgorithm() {
        attack(SignatureWrappingTest::signedAssertion, doc -> Xml.first(assertion(doc), SamlConstants.DSIG_NS,
                "SignatureMethod").removeAttribute("Algorithm"), SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void anXPathTransform() {
        attack(SignatureWrappingTest::signedAssertion, doc -> addTransform(doc, "http://www.w3.org/TR/1999/REC-xpath-19991116"),
                SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void anXsltTransform() {
        attack(SignatureWrappingTest::signedAssertion, doc -> addTransform(doc, "http://www.w3.org/TR/1999/REC-xslt-19991116"),
                SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void inclusiveCanonicalizationOfSignedInfo() {
        attack(SignatureWrappingTest::signedAssertion, doc -> Xml.first(assertion(doc), SamlConstants.DSIG_NS,
                "CanonicalizationMethod").setAttribute("Algorithm", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"),
                SamlErrorCode.UNSUPPORTED_SIGNATURE_ALGORITHM);
    }

    @Test
    void aSignatureWithoutTheEnvelopedTransform() {
        attack(SignatureWrappingTest::signedAssertion, doc -> {
            Element transforms = Xml.first(assertion(doc), SamlConstants.DSIG_NS, "Transforms");
            transforms.removeChild(Dom.children(transforms, SamlConstants.DSIG_NS, "Transform").get(0));
        }, SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void anEcdsaSignatureOfZeros() {
        // CVE-2022-21449 ("psychic signatures"): r = s = 0 verified on unpatched Java 15-18.
        Supplier<Document> ecSigned = () -> {
            SamlResponseBuilder builder = response();
            builder.nameId = "mallory@example.com";
            Document doc = builder.build();
            XmlSigning.sign(assertion(doc), IDP_EC_KEY);
            return doc;
        };
        Document genuine = ecSigned.get();
        ResponseValidator ec = SamlFixtures.validator(options(), new SamlFixtures.MemoryReplayCache(), NOW, false, IDP_EC_KEY);
        try {
            assertThat(ec.validate(encode(genuine), REQUEST_ID).nameId()).isEqualTo("mallory@example.com");
        } catch (SamlValidationException e) {
            throw new AssertionError(e);
        }
        Document attacked = ecSigned.get();
        Xml.first(assertion(attacked), SamlConstants.ASSERTION_NS, "NameID").setTextContent(EVIL);
        Xml.first(assertion(attacked), SamlConstants.DSIG_NS, "SignatureValue")
                .setTextContent(Base64.getEncoder().encodeToString(new byte[64]));
        ResponseValidatorTest.refused(SamlFixtures.validator(options(), new SamlFixtures.MemoryReplayCache(), NOW, false,
                IDP_EC_KEY), encode(attacked), REQUEST_ID, SamlErrorCode.INVALID_SIGNATURE);
    }

    private static void setSignatureMethod(Document doc, String algorithm) {
        Xml.first(assertion(doc), SamlConstants.DSIG_NS, "SignatureMethod").setAttribute("Algorithm", algorithm);
    }

    /** Replaces the canonicalization transform (the second one) by another algorithm. */
    private static void addTransform(Document doc, String algorithm) {
        Element transforms = Xml.first(assertion(doc), SamlConstants.DSIG_NS, "Transforms");
        List<Element> list = Dom.children(transforms, SamlConstants.DSIG_NS, "Transform");
        list.get(list.size() - 1).setAttribute("Algorithm", algorithm);
    }
}
