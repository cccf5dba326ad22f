package dev.portcullis.saml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.portcullis.config.RoleMapper;

/**
 * Real responses captured from Keycloak 26.7.3 and SimpleSAMLphp 1.19.7 (see
 * {@code src/test/resources/golden/README.md}), validated offline at the instant they were captured:
 * independent IdP implementations, not our own test kit, produced these signatures. Each capture is
 * accepted as sent, and refused when one byte of what it asserts changes.
 */
class GoldenResponsesTest {

    private record Golden(Properties expect, String response, IdpMetadata idp) {
        String get(String key) {
            return expect.getProperty(key);
        }

        Instant at() {
            return Instant.parse(get("validateAt"));
        }
    }

    private static Golden load(String name) throws Exception {
        Properties expect = new Properties();
        try (InputStream in = resource(name, "expect.properties")) {
            expect.load(in);
        }
        String response;
        try (InputStream in = resource(name, "response.b64")) {
            response = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        byte[] metadata;
        try (InputStream in = resource(name, "idp-metadata.xml")) {
            metadata = in.readAllBytes();
        }
        IdpMetadata idp = new IdpMetadataParser(new SecureXml()).parse(metadata, null, Instant.parse(expect.getProperty("validateAt")));
        return new Golden(expect, response, idp);
    }

    private static InputStream resource(String name, String file) throws IOException {
        InputStream in = GoldenResponsesTest.class.getResourceAsStream("/golden/" + name + "/" + file);
        if (in == null) {
            throw new IOException("missing golden file " + name + "/" + file);
        }
        return in;
    }

    private static ResponseValidator validator(Golden golden, boolean wantAssertionsSigned, Instant at) {
        return new ResponseValidator(new ResponseValidator.Options(golden.get("acsUrl"), golden.get("spEntityId"),
                wantAssertionsSigned, false, Duration.ofMinutes(2), Duration.ofMinutes(5), 256 * 1024, false), golden.idp(),
                new AlgorithmPolicy(false), null, new SamlFixtures.MemoryReplayCache(), new SecureXml(),
                Clock.fixed(at, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "keycloak-email-nameid", "simplesamlphp-default", "simplesamlphp-email-nameid"})
    void acceptsTheCapturedResponseWithItsSignedAssertion(String name) throws Exception {
        Golden golden = load(name);

        ValidatedAssertion result = validator(golden, true, golden.at()).validate(golden.response(), golden.get("requestId"));

        assertThat(result.issuer()).isEqualTo(golden.get("idpEntityId"));
        assertThat(result.nameId()).isEqualTo(golden.get("nameId"));
        assertThat(result.nameIdFormat()).isEqualTo(golden.get("nameIdFormat"));
        assertThat(result.sessionIndex()).isEqualTo(golden.get("sessionIndex"));
        assertThat(result.attributes().keySet()).containsExactlyInAnyOrder(golden.get("attributeNames").split(","));
        List<String> roles = new RoleMapper(List.of("roles"), java.util.Map.of()).roles(result.attributes());
        assertThat(roles).containsExactlyInAnyOrder(golden.get("roles").split(","));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-response-signed", "simplesamlphp-response-signed"})
    void aResponseOnlySignatureIsRefusedByDefaultAndAcceptedWhenAllowed(String name) throws Exception {
        Golden golden = load(name);

        assertThatThrownBy(() -> validator(golden, true, golden.at()).validate(golden.response(), golden.get("requestId")))
                .isInstanceOfSatisfying(SamlValidationException.class,
                        e -> assertThat(e.code()).isEqualTo(SamlErrorCode.MISSING_SIGNATURE));
        assertThat(validator(golden, false, golden.at()).validate(golden.response(), golden.get("requestId")).nameId())
                .isEqualTo(golden.get("nameId"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "simplesamlphp-default", "keycloak-response-signed"})
    void refusesTheCaptureWithTheUserNameChanged(String name) throws Exception {
        Golden golden = load(name);
        String xml = new String(Base64.getDecoder().decode(golden.response()), StandardCharsets.UTF_8);
        String nameId = ">" + golden.get("nameId") + "</";
        assertThat(xml).contains(nameId);
        String forged = Base64.getEncoder().encodeToString(xml.replace(nameId, ">bob</").getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> validator(golden, false, golden.at()).validate(forged, golden.get("requestId")))
                .isInstanceOfSatisfying(SamlValidationException.class,
                        e -> assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_SIGNATURE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "simplesamlphp-default"})
    void refusesTheCaptureOnceItHasExpired(String name) throws Exception {
        Golden golden = load(name);
        Instant later = Instant.parse(golden.get("subjectConfirmationNotOnOrAfter")).plus(Duration.ofMinutes(3));

        assertThatThrownBy(() -> validator(golden, true, later).validate(golden.response(), golden.get("requestId")))
                .isInstanceOfSatisfying(SamlValidationException.class,
                        e -> assertThat(Arrays.asList(SamlErrorCode.INVALID_ISSUE_INSTANT, SamlErrorCode.ASSERTION_EXPIRED))
                                .contains(e.code()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "simplesamlphp-default"})
    void refusesTheCaptureAsAnAnswerToAnotherRequest(String name) throws Exception {
        Golden golden = load(name);
        assertThatThrownBy(() -> validator(golden, true, golden.at()).validate(golden.response(), "_someOtherRequest"))
                .isInstanceOfSatisfying(SamlValidationException.class,
                        e -> assertThat(e.code()).isEqualTo(SamlErrorCode.INVALID_IN_RESPONSE_TO));
    }
}
