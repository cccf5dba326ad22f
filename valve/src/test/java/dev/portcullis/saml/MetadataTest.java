package dev.portcullis.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.apache.xml.security.signature.XMLSignature;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;

/** IdP metadata in, SP metadata and AuthnRequests out. */
class MetadataTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private final IdpMetadataParser parser = new IdpMetadataParser(new SecureXml());

    private static byte[] bytes(String xml) {
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static IdpMetadataWriter idp(String entityId) {
        return new IdpMetadataWriter(entityId).signingCertificate(SamlFixtures.IDP_KEY)
                .singleSignOnService(IdpMetadataWriter.POST_BINDING, "https://idp/sso/post")
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, "https://idp/sso/redirect");
    }

    @Test
    void readsEntityIdKeysAndEndpointsAndPrefersTheRedirectBinding() throws Exception {
        IdpMetadata idp = parser.parse(bytes(idp("https://idp/metadata").signingCertificate(SamlFixtures.OTHER_KEY)
                .wantAuthnRequestsSigned(true).toString()), null, NOW);

        assertThat(idp.entityId()).isEqualTo("https://idp/metadata");
        assertThat(idp.signingCertificates()).hasSize(2);
        assertThat(idp.wantAuthnRequestsSigned()).isTrue();
        assertThat(idp.preferredSingleSignOnService()).get()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("https://idp/sso/redirect"));
    }

    @Test
    void fallsBackToThePostBindingWhenThatIsAllTheIdpOffers() throws Exception {
        String xml = new IdpMetadataWriter("https://idp/metadata").signingCertificate(SamlFixtures.IDP_KEY)
                .singleSignOnService(IdpMetadataWriter.POST_BINDING, "https://idp/sso/post").toString();
        assertThat(parser.parse(bytes(xml), null, NOW).preferredSingleSignOnService()).get()
                .satisfies(e -> assertThat(e.getKey()).isEqualTo(SamlConstants.POST_BINDING));
    }

    @Test
    void choosesOneIdpFromAnAggregateByEntityId() throws Exception {
        String a = idp("https://a/metadata").toString();
        String b = idp("https://b/metadata").toString();
        String aggregate = "<md:EntitiesDescriptor xmlns:md=\"" + SamlConstants.METADATA_NS + "\">" + a + b
                + "</md:EntitiesDescriptor>";

        assertThat(parser.parse(bytes(aggregate), "https://b/metadata", NOW).entityId()).isEqualTo("https://b/metadata");
        assertThatThrownBy(() -> parser.parse(bytes(aggregate), null, NOW)).hasMessageContaining("idpEntityId");
        assertThatThrownBy(() -> parser.parse(bytes(aggregate), "https://c", NOW)).hasMessageContaining("https://c");
    }

    @Test
    void refusesAnIdpWithoutSigningKeys() {
        String xml = new IdpMetadataWriter("https://idp/metadata")
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, "https://idp/sso").toString();
        assertThatThrownBy(() -> parser.parse(bytes(xml), null, NOW)).hasMessageContaining("signing key");
    }

    @Test
    void refusesExpiredMetadata() {
        Document doc = idp("https://idp/metadata").toDocument();
        doc.getDocumentElement().setAttribute("validUntil", "2026-11-01T00:00:00Z");
        assertThatThrownBy(() -> parser.parse(bytes(Xml.toString(doc)), null, NOW)).hasMessageContaining("expired");
    }

    @Test
    void refusesMetadataWithADoctype() {
        assertThatThrownBy(() -> parser.parse(bytes("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/hosts\">]>"
                + idp("https://idp/metadata")), null, NOW)).isInstanceOf(MetadataException.class);
    }

    @Test
    void writesSpMetadataThatParsesAndNamesTheAcs() {
        String xml = SpMetadataWriter.write("https://sp/metadata", "https://sp/sso/acs",
                List.of(SamlFixtures.IDP_KEY.certificate()), List.of(SamlFixtures.SP_KEY.certificate()), true, true, null);
        Document doc = Xml.parse(xml);
        Element acs = Xml.first(doc, SamlConstants.METADATA_NS, "AssertionConsumerService");

        assertThat(doc.getDocumentElement().getAttribute("entityID")).isEqualTo("https://sp/metadata");
        assertThat(acs.getAttribute("Location")).isEqualTo("https://sp/sso/acs");
        assertThat(acs.getAttribute("Binding")).isEqualTo(SamlConstants.POST_BINDING);
        assertThat(Xml.first(doc, SamlConstants.METADATA_NS, "SPSSODescriptor").getAttribute("WantAssertionsSigned"))
                .isEqualTo("true");
        assertThat(xml).contains(SamlFixtures.IDP_KEY.certificateBase64());
        Element encryption = (Element) doc.getElementsByTagNameNS(SamlConstants.METADATA_NS, "KeyDescriptor").item(1);
        assertThat(encryption.getAttribute("use")).isEqualTo("encryption");
        assertThat(Xml.toString(encryption)).contains(SamlFixtures.SP_KEY.certificateBase64()).contains(Decrypter.AES256_GCM);
    }

    @Test
    void signsARedirectAuthnRequestOverTheQueryString() {
        TestCredentials sp = TestCredentials.rsa("sp");
        AuthnRequestFactory factory = new AuthnRequestFactory("https://sp/metadata", "https://sp/sso/acs", null,
                sp.privateKey(), sp.certificate(), new SecureXml());
        OutboundMessage message = factory.encode(SamlConstants.REDIRECT_BINDING, "https://idp/sso?tenant=1", "_r1", NOW, "relay");

        assertThat(message.location()).startsWith("https://idp/sso?tenant=1&SAMLRequest=");
        assertThat(RedirectBinding.verify(message.location(), sp.certificate().getPublicKey())).isTrue();
        String xml = RedirectBinding.inflate(dev.portcullis.testkit.Browser.query(message.location()).get("SAMLRequest"));
        assertThat(Xml.parse(xml).getDocumentElement().getAttribute("ID")).isEqualTo("_r1");
    }

    @Test
    void signsAnEcRedirectRequestInTheXmlDsigFormat() {
        TestCredentials sp = TestCredentials.ec("sp-ec");
        AuthnRequestFactory factory = new AuthnRequestFactory("https://sp/metadata", "https://sp/sso/acs", null,
                sp.privateKey(), sp.certificate(), new SecureXml());
        String url = factory.encode(SamlConstants.REDIRECT_BINDING, "https://idp/sso", "_r1", NOW, "relay").location();
        assertThat(url).contains("SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23ecdsa-sha256");
        assertThat(RedirectBinding.verify(url, sp.certificate().getPublicKey())).isTrue();
    }

    @Test
    void signsAPostAuthnRequestWithAnEnvelopedSignature() throws Exception {
        TestCredentials sp = TestCredentials.rsa("sp");
        AuthnRequestFactory factory = new AuthnRequestFactory("https://sp/metadata", "https://sp/sso/acs",
                SamlConstants.NAMEID_UNSPECIFIED, sp.privateKey(), sp.certificate(), new SecureXml());
        OutboundMessage message = factory.encode(SamlConstants.POST_BINDING, "https://idp/sso", "_r2", NOW, "relay");

        assertThat(message.fields()).containsEntry("RelayState", "relay");
        Document doc = Xml.parse(java.util.Base64.getDecoder().decode(message.fields().get("SAMLRequest")));
        Element root = doc.getDocumentElement();
        root.setIdAttributeNS(null, "ID", true);
        XMLSignature signature = new XMLSignature(Xml.first(doc, SamlConstants.DSIG_NS, "Signature"), "", true);
        assertThat(signature.checkSignatureValue(sp.certificate().getPublicKey())).isTrue();
        assertThat(Xml.first(doc, SamlConstants.PROTOCOL_NS, "NameIDPolicy").getAttribute("Format"))
                .isEqualTo(SamlConstants.NAMEID_UNSPECIFIED);
    }

    @Test
    void sendsAnUnsignedRequestWhenNoKeyIsGiven() {
        AuthnRequestFactory factory = new AuthnRequestFactory("https://sp/metadata", "https://sp/sso/acs", null, null, null,
                new SecureXml());
        assertThat(factory.encode(SamlConstants.REDIRECT_BINDING, "https://idp/sso", "_r", NOW, null).location())
                .doesNotContain("Signature=").doesNotContain("RelayState=");
    }
}
