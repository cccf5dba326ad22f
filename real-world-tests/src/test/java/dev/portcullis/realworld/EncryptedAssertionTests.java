package dev.portcullis.realworld;

import static dev.portcullis.realworld.RealWorld.ALICE;
import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.w3c.dom.Element;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.Xml;

/**
 * An IdP that encrypts assertions for the SP (PORTCULLIS_IDP_ENCRYPT=true: Keycloak's "Encrypt
 * assertions" with the SP certificate, SimpleSAMLphp's assertion.encryption with the SP's certData), the
 * key being the one the valve signs with and publishes for encryption too. With {@code
 * wantAssertionsEncrypted="true"} the valve refuses the same IdP's plain assertions and accepts its
 * encrypted ones; the raw SAMLResponse each time shows which it was, and with what algorithms the IdP
 * encrypted.
 *
 * <p>The refused case runs first, against the IdP as the previous suite left it (not encrypting), then
 * the IdP restarts encrypting.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class EncryptedAssertionTests {

    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    static final String XENC11 = "http://www.w3.org/2009/xmlenc11#";

    /**
     * What an IdP used to encrypt.
     *
     * @param data         EncryptedData's EncryptionMethod (the assertion's cipher)
     * @param keyTransport EncryptedKey's EncryptionMethod (how the AES key is wrapped for the SP's RSA key)
     * @param oaepDigest   the DigestMethod inside the key transport's EncryptionMethod, or null (SHA-1)
     * @param oaepMgf      the MGF inside it (xmlenc11), or null (MGF1 with SHA-1)
     */
    record Algorithms(String data, String keyTransport, String oaepDigest, String oaepMgf) {
    }

    abstract Idp.Kind kind();

    /** The algorithms this IdP was seen to use, so that a change shows. */
    abstract Algorithms expectedAlgorithms();

    /** The IdP's setup apart from encryption: the one the Single Logout suite used, so that it is reused. */
    Idp.Settings plain() {
        return Idp.Settings.of(kind(), RealWorld.spBaseUrl(), SpKeys.shared().certificate()).signing(kind().signsLogout);
    }

    @Test
    @Order(1)
    void aPlainAssertionIsRefusedWhenTheValveWantsThemEncrypted() {
        Idp idp = Idp.running(plain());
        try (EmbeddedSp sp = EmbeddedSp.start(idp.metadataUrl(), valve -> valve.setProperty("wantAssertionsEncrypted", "true"))) {
            Browser browser = new Browser();
            Page autoPost = SignIn.enterPassword(browser, SignIn.toLoginForm(browser, sp.url("/sample/"), idp.origin()),
                    ALICE, ALICE);
            Element response = SamlMessages.response(autoPost);
            assertThat(Xml.first(response, SamlMessages.ASSERTION, "EncryptedAssertion")).as("premise: not encrypted").isNull();
            SamlMessages.assertion(response);

            Page acs = SignIn.postResponse(browser, autoPost, sp.acsUrl());

            assertThat(acs.status()).as("refused:%n%s", acs.body()).isEqualTo(403);
            assertThat(acs.body()).contains("Sign-in failed");
            assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
            assertThat(browser.get(sp.url("/sample/")).status()).as("still not signed in").isEqualTo(302);
            assertThat(Audit.events(sp.log("portcullis-audit.log"), "login_failure")).singleElement()
                    .satisfies(event -> assertThat(event).containsEntry("code", "assertion_not_encrypted"));
        }
    }

    @Test
    @Order(2)
    void anEncryptedAssertionSignsAliceInWithHerRoles() {
        Idp idp = Idp.running(plain().encrypted(true));
        try (EmbeddedSp sp = EmbeddedSp.start(idp.metadataUrl(), valve -> valve.setProperty("wantAssertionsEncrypted", "true"))) {
            Browser browser = new Browser();
            Page autoPost = SignIn.enterPassword(browser, SignIn.toLoginForm(browser, sp.url("/sample/"), idp.origin()),
                    ALICE, ALICE);
            Element response = SamlMessages.response(autoPost);
            assertThat(Xml.first(response, SamlMessages.ASSERTION, "Assertion")).as("no plain Assertion in the Response").isNull();
            Element encrypted = Xml.first(response, SamlMessages.ASSERTION, "EncryptedAssertion");
            assertThat(encrypted).as("an EncryptedAssertion in the raw SAMLResponse").isNotNull();
            Algorithms used = algorithms(encrypted);
            System.out.println(kind() + " encrypted the assertion with " + used);
            assertThat(used).isEqualTo(expectedAlgorithms());

            Page acs = SignIn.postResponse(browser, autoPost, sp.acsUrl());

            assertThat(acs.status()).as("accepted:%n%s", acs.body()).isEqualTo(303);
            assertThat(browser.follow(acs).body()).contains("Signed in as <strong>alice</strong>");
            assertThat(browser.get(sp.url("/sample/api/whoami")).body())
                    .isEqualTo("{\"user\":\"alice\",\"roles\":[\"user\",\"admin\"]}");
            assertThat(browser.get(sp.url("/sample/admin/")).status()).isEqualTo(200);
        }
    }

    static Algorithms algorithms(Element encryptedAssertion) {
        Element data = Xml.first(encryptedAssertion, XENC, "EncryptedData");
        Element key = Xml.first(encryptedAssertion, XENC, "EncryptedKey");
        assertThat(data).as("EncryptedData").isNotNull();
        assertThat(key).as("EncryptedKey (RSA key transport)").isNotNull();
        Element keyMethod = child(key, XENC, "EncryptionMethod");
        Element digest = child(keyMethod, SamlMessages.DSIG, "DigestMethod");
        Element mgf = child(keyMethod, XENC11, "MGF");
        return new Algorithms(child(data, XENC, "EncryptionMethod").getAttribute("Algorithm"),
                keyMethod.getAttribute("Algorithm"), digest == null ? null : digest.getAttribute("Algorithm"),
                mgf == null ? null : mgf.getAttribute("Algorithm"));
    }

    private static Element child(Element parent, String ns, String localName) {
        for (org.w3c.dom.Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element e && ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

}
