package dev.portcullis.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.junit.jupiter.api.Test;

import dev.portcullis.testkit.Xml;

/** The HTTP-Redirect decoder: ordinary messages decode, bombs and garbage are refused. */
class RedirectDecoderTest {

    private final RedirectDecoder decoder = new RedirectDecoder(256 * 1024);

    private static String deflate(byte[] data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(9, true))) {
            out.write(data);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static void refused(ThrowingDecode decode, SamlErrorCode code) {
        assertThatThrownBy(decode::run).isInstanceOfSatisfying(SamlValidationException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    private interface ThrowingDecode {
        void run() throws Exception;
    }

    @Test
    void decodesAnOrdinaryAuthnRequest() throws Exception {
        String xml = "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_1\"/>";
        assertThat(new String(decoder.decode(Xml.deflateBase64(xml)), StandardCharsets.UTF_8)).isEqualTo(xml);
    }

    @Test
    void refusesADeflateBomb() throws Exception {
        // 100 MB of zeros deflate to about 100 KB; a careless decoder would allocate the 100 MB.
        String bomb = deflate(new byte[100 * 1024 * 1024]);
        assertThat(bomb.length()).isLessThan(200 * 1024);
        refused(() -> decoder.decode(bomb), SamlErrorCode.RESPONSE_TOO_LARGE);
    }

    @Test
    void refusesAnExpansionRatioNoSamlMessageHasEvenUnderTheSizeLimit() throws Exception {
        String dense = deflate(new byte[200 * 1024]);
        refused(() -> decoder.decode(dense), SamlErrorCode.RESPONSE_TOO_LARGE);
    }

    @Test
    void refusesGarbageAndTruncation() throws Exception {
        refused(() -> decoder.decode("!!!"), SamlErrorCode.MALFORMED_RESPONSE_DATA);
        refused(() -> decoder.decode(Base64.getEncoder().encodeToString("not deflate".getBytes(StandardCharsets.UTF_8))),
                SamlErrorCode.MALFORMED_RESPONSE_DATA);
        String whole = deflate("<a>hello hello hello hello</a>".getBytes(StandardCharsets.UTF_8));
        byte[] raw = Base64.getDecoder().decode(whole);
        String truncated = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(raw, raw.length - 4));
        refused(() -> decoder.decode(truncated), SamlErrorCode.MALFORMED_RESPONSE_DATA);
    }
}
