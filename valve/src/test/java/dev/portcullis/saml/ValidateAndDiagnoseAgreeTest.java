package dev.portcullis.saml;

import static dev.portcullis.saml.SamlFixtures.NOW;
import static dev.portcullis.saml.SamlFixtures.OTHER_KEY;
import static dev.portcullis.saml.SamlFixtures.REQUEST_ID;
import static dev.portcullis.saml.SamlFixtures.encode;
import static dev.portcullis.saml.SamlFixtures.response;
import static dev.portcullis.saml.SamlFixtures.signedAssertion;
import static dev.portcullis.saml.SamlFixtures.validator;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.XmlSigning;

/**
 * The valve ({@link ResponseValidator#validate}) and saml-inspect ({@link ResponseValidator#diagnose})
 * reach the same verdict on every input: the same code for the first failure, or both accept. One
 * field changed at a time, as in ResponseValidatorTest, plus inputs that once made them disagree.
 */
class ValidateAndDiagnoseAgreeTest {

    private static String with(Consumer<SamlResponseBuilder> change) {
        SamlResponseBuilder builder = response();
        change.accept(builder);
        return encode(signedAssertion(builder));
    }

    static Stream<Arguments> inputs() {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("valid", with(b -> { }));
        inputs.put("missing", null);
        inputs.put("not base64", "PHNhbWxwOlJlc3BvbnNl*==");
        inputs.put("another destination", with(b -> b.destination = "https://other.example.com/acs"));
        inputs.put("another request", with(b -> b.inResponseTo = "_other"));
        inputs.put("too old", with(b -> b.issueInstant = NOW.minus(Duration.ofMinutes(10))));
        inputs.put("another issuer", with(b -> b.assertionIssuer = "https://evil.example.net"));
        inputs.put("no NameID", with(b -> b.nameId = null));
        inputs.put("another recipient", with(b -> b.recipient = "https://other.example.com/acs"));
        inputs.put("expired", with(b -> b.notOnOrAfter = NOW.minus(Duration.ofMinutes(5))));
        inputs.put("another audience", with(b -> b.audiences = new java.util.ArrayList<>(java.util.List.of("x"))));
        inputs.put("no AuthnStatement", with(b -> b.includeAuthnStatement = false));
        inputs.put("failure status", with(b -> b.statusCode = "urn:oasis:names:tc:SAML:2.0:status:Requester"));
        Document otherKey = response().build();
        XmlSigning.sign(SamlFixtures.assertion(otherKey), OTHER_KEY);
        inputs.put("signed by another key", encode(otherKey));
        inputs.put("nothing signed", encode(response().build()));
        // Two defects: the first in the order is the one both must report.
        inputs.put("another destination and no NameID", with(b -> {
            b.destination = "https://other.example.com/acs";
            b.nameId = null;
        }));
        inputs.put("expired and another audience", with(b -> {
            b.notOnOrAfter = NOW.minus(Duration.ofMinutes(5));
            b.audiences = new java.util.ArrayList<>(java.util.List.of("x"));
        }));
        return inputs.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void theValveAndTheToolReachTheSameVerdict(String name, String field) {
        ResponseInput input = ResponseInput.signIn(field, REQUEST_ID);
        SamlErrorCode valve;
        try {
            validator().validate(input);
            valve = null;
        } catch (SamlValidationException e) {
            valve = e.code();
        }
        ResponseValidator.Diagnosis diagnosis = validator().diagnose(input);
        SamlErrorCode tool = diagnosis.firstFailure() == null ? null : diagnosis.firstFailure().failure().code();

        assertThat(tool).as(name).isEqualTo(valve);
        assertThat(diagnosis.valid()).as(name).isEqualTo(valve == null);
        assertThat(valve == null).as(name + ": only the unchanged Response is accepted").isEqualTo(name.equals("valid"));
    }
}
