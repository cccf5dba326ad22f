package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.IDP_KEY;
import static dev.portcullis.saml.SamlFixtures.REQUEST_ID;
import static dev.portcullis.saml.SamlFixtures.assertion;
import static dev.portcullis.saml.SamlFixtures.encode;
import static dev.portcullis.saml.SamlFixtures.response;
import static dev.portcullis.saml.SamlFixtures.validEncoded;
import static dev.portcullis.saml.SamlFixtures.validator;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Attacks on the XML layer and on how values are read: DTDs, entities, oversized and malformed
 * input, and comment injection. Each starts from proof that the plain message is accepted.
 */
class XmlAttacksTest {

    private String genuineXml;

    @BeforeEach
    void genuineMessageIsAccepted() throws Exception {
        String encoded = validEncoded();
        assertThat(validator().validate(encoded, REQUEST_ID).nameId()).isEqualTo("alice@example.com");
        genuineXml = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    private static void refused(byte[] xml, SamlErrorCode code) {
        ResponseValidatorTest.refused(validator(), Base64.getEncoder().encodeToString(xml), REQUEST_ID, code);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void refusesAnInternalDtdSubset() {
        refused(utf8("<!DOCTYPE samlp:Response [<!ELEMENT samlp:Response ANY>]>" + genuineXml), SamlErrorCode.DTD_NOT_ALLOWED);
    }

    @Test
    void refusesAnExternalEntity() {
        // XXE (CVE-2022-35741 class): the entity would pull a local file into the NameID.
        String xxe = "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + genuineXml.replace("alice@example.com</saml:NameID>", "&xxe;</saml:NameID>");
        refused(utf8(xxe), SamlErrorCode.DTD_NOT_ALLOWED);
    }

    @Test
    void refusesBillionLaughs() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE r [<!ENTITY l0 \"ha\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
        }
        dtd.append("]>");
        refused(utf8(dtd + genuineXml.replace("alice@example.com</saml:NameID>", "&l9;</saml:NameID>")),
                SamlErrorCode.DTD_NOT_ALLOWED);
    }

    @Test
    void refusesADoctypeHiddenByAnotherEncoding() {
        String utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE r [<!ENTITY x \"y\">]>" + genuineXml;
        byte[] bytes = utf16.getBytes(StandardCharsets.UTF_16);
        ResponseValidatorTest.refused(validator(), Base64.getEncoder().encodeToString(bytes), REQUEST_ID,
                SamlErrorCode.DTD_NOT_ALLOWED);
    }

    @Test
    void refusesTenMegabytes() {
        byte[] big = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'A');
        refused(big, SamlErrorCode.RESPONSE_TOO_LARGE);
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] xml = utf8(genuineXml);
        int at = genuineXml.indexOf("alice@example.com</saml:NameID>");
        xml[at] = (byte) 0xC3;
        xml[at + 1] = (byte) 0x28;
        refused(xml, SamlErrorCode.MALFORMED_RESPONSE_DATA);
    }

    @Test
    void refusesNestingDeepEnoughToExhaustTheStack() {
        int depth = 20_000;
        String deep = "<a>".repeat(depth) + "</a>".repeat(depth);
        refused(utf8(genuineXml.replace("</samlp:Response>", "<samlp:Extensions>" + deep
                + "</samlp:Extensions></samlp:Response>")), SamlErrorCode.MALFORMED_RESPONSE_DATA);
    }

    @Test
    void readsTheWholeNameIdAcrossAnInjectedComment() throws Exception {
        // CVE-2017-11427 family: Mallory owns "alice@example.com.evil.net" at the IdP, gets it signed, and
        // inserts a comment so that an SP reading the first text node sees "alice@example.com". Exclusive
        // c14n without comments ignores the comment, so the signature still verifies.
        SamlResponseBuilder builder = response();
        builder.nameId = "alice@example.com.evil.net";
        Document doc = SamlFixtures.signedAssertion(builder);
        Element nameId = Xml.first(assertion(doc), SamlConstants.ASSERTION_NS, "NameID");
        nameId.setTextContent("alice@example.com");
        nameId.appendChild(doc.createComment(""));
        nameId.appendChild(doc.createTextNode(".evil.net"));

        ValidatedAssertion result = validator().validate(encode(doc), REQUEST_ID);

        assertThat(result.nameId()).isEqualTo("alice@example.com.evil.net");
    }

    @Test
    void readsWholeAttributeValuesAcrossAnInjectedComment() throws Exception {
        SamlResponseBuilder builder = response();
        builder.attribute("roles", "user", "administrators-of-nothing");
        Document doc = SamlFixtures.signedAssertion(builder);
        Element value = (Element) assertion(doc).getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "AttributeValue").item(1);
        value.setTextContent("admin");
        value.appendChild(doc.createComment("x"));
        value.appendChild(doc.createTextNode("istrators-of-nothing"));

        ValidatedAssertion result = validator().validate(encode(doc), REQUEST_ID);

        assertThat(result.attributes().get("roles")).containsExactly("user", "administrators-of-nothing");
    }

    @Test
    void refusesAProcessingInstructionInjectedIntoTheNameId() {
        // Unlike comments, processing instructions are part of the canonical form: the digest breaks.
        Document doc = SamlFixtures.signedAssertion(response());
        Element nameId = Xml.first(assertion(doc), SamlConstants.ASSERTION_NS, "NameID");
        nameId.setTextContent("alice@example.com");
        nameId.appendChild(doc.createProcessingInstruction("x", "y"));
        nameId.appendChild(doc.createTextNode(".evil.net"));
        ResponseValidatorTest.refused(validator(), encode(doc), REQUEST_ID, SamlErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void refusesANameIdWithMarkupInside() {
        Document doc = response().build();
        Element nameId = Xml.first(assertion(doc), SamlConstants.ASSERTION_NS, "NameID");
        Element markup = doc.createElementNS("urn:x", "x:b");
        markup.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:x", "urn:x");
        nameId.appendChild(markup);
        XmlSigning.sign(assertion(doc), IDP_KEY);
        ResponseValidatorTest.refused(validator(), encode(doc), REQUEST_ID, SamlErrorCode.INVALID_SUBJECT);
    }

    @Test
    void keepsMultiValuedAttributesInOrder() throws Exception {
        SamlResponseBuilder builder = response();
        builder.attribute("groups", "b", "a", "c");
        assertThat(validator().validate(encode(SamlFixtures.signedAssertion(builder)), REQUEST_ID).attributes().get("groups"))
                .isEqualTo(List.of("b", "a", "c"));
    }
}
