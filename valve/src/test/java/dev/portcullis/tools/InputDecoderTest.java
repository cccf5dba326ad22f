package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.testkit.Xml;

/** How saml-inspect recognises what an operator pasted: each form of input, and what it refuses. */
class InputDecoderTest {

    private static final String XML = "<samlp:LogoutResponse xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r+/1\"/>";

    private final InputDecoder decoder = new InputDecoder(256 * 1024);

    private InputDecoder.Decoded decode(String input) throws InputDecoder.UnreadableInput {
        return decoder.decode(input.getBytes(StandardCharsets.UTF_8));
    }

    private static String xml(InputDecoder.Decoded decoded) {
        return new String(decoded.xml(), StandardCharsets.UTF_8);
    }

    @Test
    void rawXmlKeepsItsBytesAndIsOfferedToTheAcsAsTheirBase64() throws Exception {
        InputDecoder.Decoded decoded = decode("\uFEFF  " + XML + "\n");

        assertThat(decoded.form()).isEqualTo("raw XML");
        assertThat(xml(decoded)).isEqualTo(XML);
        assertThat(decoded.binding()).isNull();
        assertThat(decoded.postField()).isEqualTo(Base64.getEncoder().encodeToString(XML.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void base64WithLineBreaksIsThePostBindingAndTheFieldIsPassedOnAsGiven() throws Exception {
        String field = Base64.getMimeEncoder().encodeToString(XML.getBytes(StandardCharsets.UTF_8));

        InputDecoder.Decoded decoded = decode(field);

        assertThat(decoded.form()).isEqualTo("base64 of XML (HTTP-POST binding)");
        assertThat(decoded.binding()).isEqualTo(SamlConstants.POST_BINDING);
        assertThat(xml(decoded)).isEqualTo(XML);
    }

    @Test
    void aBareDeflatedValueIsTheRedirectBinding() throws Exception {
        InputDecoder.Decoded decoded = decode(Xml.deflateBase64(XML));

        assertThat(decoded.form()).isEqualTo("base64 of raw DEFLATE (HTTP-Redirect binding)");
        assertThat(xml(decoded)).isEqualTo(XML);
    }

    @Test
    void aFormBodyIsUrlDecodedAndItsOtherParametersKept() throws Exception {
        String body = "SAMLResponse=" + URLEncoder.encode(Xml.base64(XML), StandardCharsets.UTF_8) + "&RelayState=a%2Fb";

        InputDecoder.Decoded decoded = decode(body);

        assertThat(decoded.form()).isEqualTo("a query or form string with SAMLResponse=: base64 of XML (HTTP-POST binding)");
        assertThat(decoded.parameters()).containsEntry("RelayState", "a/b").doesNotContainKey("SAMLResponse");
        assertThat(xml(decoded)).isEqualTo(XML);
    }

    @Test
    void aPlusPastedWithoutUrlEncodingIsReadBackAsAPlus() throws Exception {
        // Six '~' hold an aligned "~~~", which base64 writes as "fn5+".
        String tildes = XML.replace("_r+/1", "_~~~~~~");
        String base64 = Xml.base64(tildes);
        assertThat(base64).contains("+");

        InputDecoder.Decoded decoded = decode("SAMLResponse=" + base64);

        assertThat(xml(decoded)).isEqualTo(tildes);
        assertThat(decoded.notes()).anyMatch(note -> note.contains("read as '+'"));
    }

    @Test
    void aHarFileIsReadFromItsParameterList() throws Exception {
        String har = "{\"log\": {\"entries\": [{\"request\": {\"method\": \"POST\", \"postData\": {\"params\": ["
                + "{\"name\": \"SAMLResponse\", \"value\": \"" + Xml.base64(XML).replace("/", "\\/") + "\"},"
                + "{\"name\": \"RelayState\", \"value\": \"r1\"}]}}}]}}";

        InputDecoder.Decoded decoded = decode(har);

        assertThat(decoded.form()).startsWith("a HAR file with SAMLResponse=");
        assertThat(decoded.parameters()).containsEntry("RelayState", "r1");
        assertThat(xml(decoded)).isEqualTo(XML);
    }

    @Test
    void refusesWhatIsNoSamlMessage() {
        assertThatThrownBy(() -> decode("   ")).hasMessage("the input is empty");
        assertThatThrownBy(() -> decode("hello, world!")).hasMessageContaining("neither XML, nor base64");
        assertThatThrownBy(() -> decode(Base64.getEncoder().encodeToString("not deflate".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(InputDecoder.UnreadableInput.class,
                        e -> assertThat(e.refusal().code()).isEqualTo(SamlErrorCode.MALFORMED_RESPONSE_DATA));
        assertThatThrownBy(() -> decode("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"))
                .hasMessageContaining("never prints keys").hasMessageNotContaining("MIIE");
    }

    @Test
    void aByteOrderMarkBeforeTheXmlIsStillThePostBindingAsAtTheAcs() throws Exception {
        byte[] xml = XML.getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[xml.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(xml, 0, withBom, 3, xml.length);
        String field = Base64.getEncoder().encodeToString(withBom);

        InputDecoder.Decoded decoded = decode(field);

        assertThat(decoded.binding()).isEqualTo(SamlConstants.POST_BINDING);
        assertThat(decoded.postField()).isEqualTo(field);
        assertThat(decoded.xml()).isEqualTo(withBom);
        // Without the mark, the same: the mark changes nothing but the bytes.
        assertThat(decode(Base64.getEncoder().encodeToString(xml)).binding()).isEqualTo(SamlConstants.POST_BINDING);
    }

    @Test
    void base64IsDecodedAsStrictlyAsTheAcsDecodesIt() throws Exception {
        String field = Base64.getEncoder().encodeToString(XML.getBytes(StandardCharsets.UTF_8));
        // URL-safe base64 is no form field the ACS accepts, so the tool refuses it with the ACS's own code.
        String urlSafe = Base64.getUrlEncoder().encodeToString(("<x>" + "\u00ff".repeat(30) + "</x>").getBytes(StandardCharsets.UTF_8));
        assertThat(urlSafe).containsAnyOf("-", "_");
        assertThatThrownBy(() -> decode(urlSafe)).isInstanceOfSatisfying(InputDecoder.UnreadableInput.class,
                e -> assertThat(e.refusal().code()).isEqualTo(SamlErrorCode.MALFORMED_RESPONSE_DATA))
                .hasMessageContaining("not base64 as the valve decodes it");
        assertThat(decode(field).binding()).isEqualTo(SamlConstants.POST_BINDING);
    }

    @Test
    void aHarEntrySaysWhenTheBrowserSentTheResponse() throws Exception {
        String har = "{\"log\": {\"entries\": [{\"startedDateTime\": \"2026-11-27T11:08:40.100Z\", \"request\": {}},"
                + "{\"startedDateTime\": \"2026-11-27T12:08:49.958+01:00\", \"request\": {\"method\": \"POST\","
                + " \"postData\": {\"params\": [{\"name\": \"SAMLResponse\", \"value\": \"" + Xml.base64(XML) + "\"}]}}},"
                + "{\"startedDateTime\": \"2026-11-27T11:09:00Z\", \"request\": {}}]}}";

        assertThat(decode(har).sent()).isEqualTo(java.time.Instant.parse("2026-11-27T11:08:49.958Z"));
        assertThat(decode(Xml.base64(XML)).sent()).isNull();
    }
}
