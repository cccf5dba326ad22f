package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.saml.AuthnRequestFactory;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlEncryption;
import dev.portcullis.testkit.XmlSigning;

/**
 * saml-inspect as an operator runs it, through {@link SamlInspect#run} with its arguments, standard
 * input and output (never {@code System.exit}). The Responses are the real Keycloak and
 * SimpleSAMLphp captures in {@code src/test/resources/golden/}, checked with their own metadata:
 * each is valid at the instant it was captured and as the answer to its own AuthnRequest, and
 * invalid when one byte of it changes, when it is checked later, or when the settings say so.
 */
class SamlInspectTest {

    private static final String ACS_BASE = "http://localhost:8080";

    @TempDir
    Path temp;

    private record Run(ExitStatus status, String out, String err) {
    }

    private record Golden(Path dir, Properties expect) {
        String get(String key) {
            return expect.getProperty(key);
        }

        Path response() {
            return dir.resolve("response.b64");
        }

        Path metadata() {
            return dir.resolve("idp-metadata.xml");
        }

        String responseText() throws IOException {
            return Files.readString(response(), StandardCharsets.US_ASCII).trim();
        }

        /** The arguments that validate this capture exactly as it was received. */
        List<String> asCaptured() {
            return List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", metadata().toString(),
                    "--at", get("validateAt"), "--in-response-to", get("requestId"));
        }
    }

    private static Golden golden(String name) throws IOException, URISyntaxException {
        Path dir = Path.of(SamlInspectTest.class.getResource("/golden/" + name + "/expect.properties").toURI()).getParent();
        Properties expect = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve("expect.properties"))) {
            expect.load(in);
        }
        return new Golden(dir, expect);
    }

    private static Run run(Clock clock, Map<String, String> environment, String stdin, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SamlInspect inspect = new SamlInspect(clock, new Properties(), environment::get, false);
        ExitStatus status = inspect.run(args.toArray(String[]::new),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(String stdin, List<String> args) {
        return run(Clock.systemUTC(), Map.of(), stdin, args);
    }

    private static Run run(List<String> args) {
        return run("", args);
    }

    private static List<String> with(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    /** A report field as {@link Report#field} lays it out, so that tests can match whole lines. */
    private static String field(int level, String label, String value) {
        String indent = "  ".repeat(level);
        int width = Math.max(24 - indent.length(), label.length() + 1);
        return indent + label + " ".repeat(width - label.length()) + " " + value;
    }

    private static String deflateBase64(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(9, true))) {
            out.write(data);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    // ------------------------------------------------------------------ golden captures

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "keycloak-email-nameid", "simplesamlphp-default", "simplesamlphp-email-nameid"})
    void aGoldenCaptureIsValidAtItsInstantAsTheAnswerToItsRequest(String name) throws Exception {
        Golden golden = golden(name);

        Run run = run(with(golden.asCaptured(), golden.response().toString()));

        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains("Result: VALID").doesNotContain("FAIL ").doesNotContain("SKIP ")
                .contains(field(1, "principal", golden.get("nameId")))
                .contains(field(1, "InResponseTo", "must be \"" + golden.get("requestId") + "\" (--in-response-to)"));
        assertThat(run.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "simplesamlphp-default"})
    void aGoldenCaptureWithOneByteOfItsNameIdChangedFailsItsSignature(String name) throws Exception {
        Golden golden = golden(name);
        String xml = new String(Base64.getDecoder().decode(golden.responseText()), StandardCharsets.UTF_8);
        String nameId = ">" + golden.get("nameId") + "</";
        assertThat(xml).contains(nameId);
        String forged = xml.replace(nameId, ">" + golden.get("nameId").replace('a', 'b') + "</");

        Run run = run(Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8)),
                with(golden.asCaptured(), "-"));

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  assertion-signature", "invalid_signature: " + "A signature does not verify",
                        "does not match the digest in its signature: the Assertion was changed after the IdP signed it",
                        "nothing after this step comes from the IdP",
                        "[untrusted: as the message claims]")
                .contains("Result: INVALID - the valve would refuse this sign-in with invalid_signature");
    }

    @Test
    void aCaptureCheckedWithAnotherIdpsMetadataIsSaidToBeSignedWithAnotherKey() throws Exception {
        Golden golden = golden("keycloak-default");
        Golden other = golden("simplesamlphp-default");

        Run run = run(List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", other.metadata().toString(),
                "--at", golden.get("validateAt"), "--in-response-to", golden.get("requestId"), "--no-xml",
                golden.response().toString()));

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  assertion-signature", "it was signed with another key")
                .contains("FAIL  assertion-issuer", "invalid_issuer: ");
    }

    @Test
    void aCaptureCheckedAsTheAnswerToAnotherRequestSaysWhichRequestItAnswers() throws Exception {
        Golden golden = golden("keycloak-default");

        Run run = run(List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", golden.metadata().toString(),
                "--at", golden.get("validateAt"), "--in-response-to", "_someOtherRequest", "--no-xml",
                golden.response().toString()));

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  in-response-to", "invalid_in_response_to: ")
                .contains("the Response answers AuthnRequest \"" + golden.get("requestId") + "\", not \"_someOtherRequest\"");
    }

    @Test
    void aResponseSignatureThatFailsMarksEverythingAfterItUntrusted() throws Exception {
        Golden golden = golden("keycloak-response-signed");
        String xml = new String(Base64.getDecoder().decode(golden.responseText()), StandardCharsets.UTF_8);
        String forged = xml.replace(">alice</", ">alicf</");

        Run run = run(Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8)),
                with(golden.asCaptured(), "--set", "wantAssertionsSigned=false", "-"));

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  response-signature", "invalid_signature", "nothing after this step comes from the IdP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-default", "simplesamlphp-default"})
    void aGoldenCaptureCheckedTodayHasExpired(String name) throws Exception {
        Golden golden = golden(name);
        // "Today": the real clock, which is past the capture (or, on a machine whose clock is behind, before it;
        // the IssueInstant check fails either way).
        List<String> args = List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", golden.metadata().toString(),
                "--in-response-to", golden.get("requestId"), golden.response().toString());

        Run run = run(args);

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  issue-instant", "invalid_issue_instant: The Response IssueInstant")
                .contains("Result: INVALID - the valve would refuse this sign-in with invalid_issue_instant (step issue-instant)")
                .contains("time: the IdP's IssueInstant " + Instant.parse(golden.get("responseIssueInstant")) + " is ")
                .contains("time: steps that failed on time: issue-instant")
                .contains("give --at with that moment (the POST to /sso/acs")
                // Never the hint that makes a Response valid by checking it on the IdP's (possibly wrong) clock.
                .doesNotContain("--at " + golden.get("responseIssueInstant"));
    }

    @Test
    void aGoldenCaptureCheckedAfterItsAssertionExpiredNamesTheExpiredSteps() throws Exception {
        Golden golden = golden("keycloak-default");
        Instant later = Instant.parse(golden.get("subjectConfirmationNotOnOrAfter")).plusSeconds(180);

        Run run = run(Clock.fixed(later, ZoneOffset.UTC), Map.of(), "", List.of("--set", "externalBaseUrl=" + ACS_BASE,
                "--idp-metadata", golden.metadata().toString(), "--in-response-to", golden.get("requestId"),
                golden.response().toString()));

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  subject-confirmation", "FAIL  conditions", "assertion_expired: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"keycloak-response-signed", "simplesamlphp-response-signed"})
    void aResponseOnlySignatureIsRefusedByDefaultAndAcceptedWithWantAssertionsSignedFalse(String name) throws Exception {
        Golden golden = golden(name);

        Run refused = run(with(golden.asCaptured(), golden.response().toString()));
        Run accepted = run(with(golden.asCaptured(), "--set", "wantAssertionsSigned=false", golden.response().toString()));

        assertThat(refused.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(refused.out()).contains("FAIL  assertion-signature", "missing_signature: A required signature is absent",
                "only the Response is; set wantAssertionsSigned=false to accept that",
                "the Response signature verified, so the content is the IdP's").doesNotContain("untrusted");
        assertThat(accepted.status()).as(accepted.out()).isEqualTo(ExitStatus.OK);
        assertThat(accepted.out()).contains("wantAssertionsSigned=false", "Result: VALID");
    }

    @Test
    void withoutInResponseToTheResponseIsCheckedAsUnsolicitedAndTheFlagIsSuggested() throws Exception {
        Golden golden = golden("keycloak-default");
        List<String> args = List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", golden.metadata().toString(),
                "--at", golden.get("validateAt"), golden.response().toString());

        Run run = run(args);

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("validated as an unsolicited (IdP-initiated) response")
                .contains("FAIL  in-response-to", "unsolicited_response: ")
                .contains("add --in-response-to " + golden.get("requestId"));
    }

    @Test
    void aResponseFromACurlCommandIsValidatedLikeTheFormField() throws Exception {
        Golden golden = golden("simplesamlphp-default");
        String curl = "curl 'http://localhost:8080/sso/acs' -H 'Content-Type: application/x-www-form-urlencoded' --data-raw 'SAMLResponse="
                + URLEncoder.encode(golden.responseText(), StandardCharsets.UTF_8) + "&RelayState=" + golden.get("relayState") + "'";

        Run run = run(curl, with(golden.asCaptured(), "--no-xml"));

        assertThat(run.status()).as(run.out()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains("Input: standard input: a curl command with SAMLResponse=: base64 of XML (HTTP-POST binding)")
                .contains(field(1, "RelayState", golden.get("relayState")));
    }

    @Test
    void rawXmlIsValidatedFromItsExactBytes() throws Exception {
        Golden golden = golden("keycloak-email-nameid");
        String xml = new String(Base64.getDecoder().decode(golden.responseText()), StandardCharsets.UTF_8);

        Run run = run(xml + "\n", with(golden.asCaptured(), "--raw"));

        assertThat(run.status()).as(run.out()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains("Input: standard input: raw XML", "== XML as decoded (the exact bytes) ==", xml);
    }

    @Test
    void theXmlViewSaysItIsNotTheSignedBytes() throws Exception {
        Golden golden = golden("keycloak-default");

        Run run = run(List.of(golden.response().toString()));

        assertThat(run.status()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains("XML, reformatted view (indented for reading: NOT the bytes that were signed")
                .contains("\n      <saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\">alice</saml:NameID>\n")
                .contains("Not validated: give the valve's settings");
    }

    @Test
    void anEncryptedAssertionIsReadWithTheSpKeyFromTheSettingsAndTheKeyIsNeverPrinted() throws Exception {
        String idpEntityId = "https://idp.example.org/metadata";
        String base = "https://apps.example.com";
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        TestCredentials idpKey = TestCredentials.rsa("idp.example.org");
        TestCredentials spKey = TestCredentials.rsa("apps.example.com");
        SamlResponseBuilder builder = SamlResponseBuilder.valid(now, idpEntityId, base + "/sso/metadata", base + "/sso/acs",
                "_request1", "alice@example.com");
        builder.attribute("roles", "user", "admin");
        Document document = builder.build();
        Element assertion = Xml.first(document, SamlConstants.ASSERTION_NS, "Assertion");
        XmlSigning.sign(assertion, idpKey);
        XmlEncryption.encrypt(assertion, "EncryptedAssertion", spKey.certificate(), XmlEncryption.AES256_GCM,
                XmlEncryption.RSA_OAEP);
        String encodedKey = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(spKey.privateKey().getEncoded());
        Path key = Files.writeString(temp.resolve("sp.key"), "-----BEGIN PRIVATE KEY-----\n" + encodedKey
                + "\n-----END PRIVATE KEY-----\n");
        Path certificate = Files.writeString(temp.resolve("sp.crt"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(spKey.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Path metadata = Files.writeString(temp.resolve("idp.xml"), new IdpMetadataWriter(idpEntityId).signingCertificate(idpKey)
                .singleSignOnService(SamlConstants.POST_BINDING, "https://idp.example.org/sso").toString());
        List<String> settings = List.of("--set", "externalBaseUrl=" + base, "--set", "spPrivateKey=" + key,
                "--set", "spCertificate=" + certificate, "--idp-metadata", metadata.toString(), "--at", now.toString(),
                "--in-response-to", "_request1");

        Run decrypted = run(Xml.base64(document), with(settings, "-"));
        Run withoutKey = run(Xml.base64(document), with(settings, "--without-sp-key", "-"));

        assertThat(decrypted.status()).as(decrypted.out() + decrypted.err()).isEqualTo(ExitStatus.OK);
        assertThat(decrypted.out()).contains("EncryptedAssertion", "data aes256-gcm, key transport rsa-oaep-mgf1p")
                .contains(field(1, "SP keys", "1 for decryption (never printed)"), "PASS  decryption")
                .contains(field(1, "NameID", "\"alice@example.com\" (unspecified)"))
                .contains(field(1, "spPrivateKey", key.toString()));
        assertThat(decrypted.out() + decrypted.err()).doesNotContain(encodedKey.substring(0, 40))
                .doesNotContain(encodedKey.substring(encodedKey.length() - 40));
        assertThat(withoutKey.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(withoutKey.out()).contains("----  decryption", "[not checked: an EncryptedAssertion cannot be decrypted"
                + " here: --without-sp-key leaves the SP key out]", "Result: NOT DECIDED").doesNotContain("FAIL ");
    }

    // ------------------------------------------------------------------ settings

    @Test
    void theValveAttributesAreTakenFromServerXmlWithTomcatSubstitution() throws Exception {
        Golden golden = golden("keycloak-default");
        Path conf = Files.createDirectories(temp.resolve("tomcat/conf"));
        Files.copy(golden.metadata(), conf.resolve("idp.xml"));
        Files.writeString(conf.resolve("server.xml"), """
                <Server port="8005" shutdown="SHUTDOWN">
                  <Service name="Catalina">
                    <Engine name="Catalina" defaultHost="localhost">
                      <Host name="localhost" appBase="webapps">
                        <!-- <Valve className="dev.portcullis.SsoValve" externalBaseUrl="https://old.example.com"/> -->
                        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs"/>
                        <Valve className="dev.portcullis.SsoValve" asyncSupported="true"
                               externalBaseUrl="${portcullis.base:-http://localhost:8080}"
                               idpMetadata="${catalina.base}/conf/${IDP_FILE}"
                               roleAttributes="roles"/>
                      </Host>
                    </Engine>
                  </Service>
                </Server>
                """);
        List<String> args = List.of("--server-xml", conf.resolve("server.xml").toString(), "--at", golden.get("validateAt"),
                "--in-response-to", golden.get("requestId"), "--no-xml", golden.response().toString());

        Run run = run(Clock.systemUTC(), Map.of("IDP_FILE", "idp.xml"), "", args);

        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains(field(1, "idpMetadata", conf.resolve("idp.xml").toString()))
                .contains("${IDP_FILE} taken from the environment")
                .contains(field(1, "roles", "[admin, user]"));
    }

    @Test
    void aValveInAContextFileGetsTheContextPathFromTheFileName() throws Exception {
        Golden golden = golden("keycloak-default");
        Path host = Files.createDirectories(temp.resolve("tomcat/conf/Catalina/localhost"));
        Files.writeString(host.resolve("app.xml"), "<Context><Valve className=\"dev.portcullis.SsoValve\" externalBaseUrl=\""
                + ACS_BASE + "\" idpMetadata=\"" + golden.metadata() + "\"/></Context>");

        Run run = run(List.of("--server-xml", host.resolve("app.xml").toString(), "--at", golden.get("validateAt"),
                "--in-response-to", golden.get("requestId"), "--no-xml", golden.response().toString()));

        // The capture was sent to the Host-level ACS, so the /app valve refuses it: proof the path was applied.
        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains(field(1, "ACS URL", "http://localhost:8080/app/sso/acs"))
                .contains("FAIL  destination", "invalid_destination: ");
    }

    @Test
    void anOidcValveIsNamedAsSuchInsteadOfFailingOnSamlSettings() throws Exception {
        Golden golden = golden("keycloak-default");
        Path host = Files.createDirectories(temp.resolve("oidc-conf"));
        String valve = "<Context><Valve className=\"dev.portcullis.SsoValve\" externalBaseUrl=\"" + ACS_BASE
                + "\" PROTOCOL oidcIssuer=\"https://op.example/realms/x\" oidcClientId=\"a\" oidcClientSecret=\"s\"/></Context>";
        Files.writeString(host.resolve("oidc.xml"), valve.replace("PROTOCOL", "protocol=\"oidc\""));
        Files.writeString(host.resolve("saml.xml"), valve.replace("PROTOCOL oidcIssuer=\"https://op.example/realms/x\""
                + " oidcClientId=\"a\" oidcClientSecret=\"s\"", "idpMetadata=\"" + golden.metadata() + "\""));

        Run oidc = run(List.of("--server-xml", host.resolve("oidc.xml").toString(), golden.response().toString()));
        assertThat(oidc.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(oidc.err()).contains("protocol=\"oidc\": saml-inspect checks SAML Responses only").hasLineCount(1);

        Run saml = run(List.of("--server-xml", host.resolve("saml.xml").toString(), "--at", golden.get("validateAt"),
                "--in-response-to", golden.get("requestId"), "--no-xml", golden.response().toString()));
        assertThat(saml.status()).isNotEqualTo(ExitStatus.USAGE);
    }

    @Test
    void badUsageAndBrokenSettingsExitWithStatusTwoAndOneLine() throws Exception {
        Golden golden = golden("keycloak-default");
        String response = golden.response().toString();
        String metadata = golden.metadata().toString();
        Map<List<String>, String> cases = Map.of(
                List.of("--frobnicate", response), "unknown option --frobnicate",
                List.of("--at", "yesterday", response), "--at 'yesterday' is not an ISO-8601 instant",
                List.of("--in-response-to", "_1", response), "--in-response-to is for validation",
                List.of("--set", "externalBaseUrl=" + ACS_BASE, "--set", "idpMetdata=" + metadata, response),
                "'idpMetdata': is not a Portcullis setting. Did you mean 'idpMetadata'?",
                List.of("--idp-metadata", metadata, response), "'externalBaseUrl': is required",
                List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", metadata, "--set", "clockSkew=1h", response),
                "'clockSkew': 1h is too long",
                List.of(temp.resolve("missing.b64").toString()), "no such file: ",
                List.of("--server-xml", temp.resolve("server.xml").toString(), response), "no such file: ",
                List.of("a.b64", "b.b64"), "more than one input file");

        cases.forEach((args, message) -> {
            Run run = run(args);
            assertThat(run.status()).as(args.toString()).isEqualTo(ExitStatus.USAGE);
            assertThat(run.out()).as(args.toString()).isEmpty();
            assertThat(run.err()).as(args.toString()).startsWith("saml-inspect: ").contains(message)
                    .hasLineCount(1).doesNotContain("Exception");
        });
    }

    @Test
    void helpExplainsTheOptionsWithAGoldenExample() {
        Run run = run(List.of("--help"));

        assertThat(run.status()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains("Usage: saml-inspect", "--server-xml PATH", "--at INSTANT", "--in-response-to ID",
                "--at 2026-11-27T11:08:49.958Z --in-response-to _a98ec03357cd0f72bbe27f375d0fe61d", "Exit status");
    }

    // ------------------------------------------------------------------ other messages and inputs

    @Test
    void aRedirectUrlWithADeflatedAuthnRequestIsDecodedAndPrinted() {
        TestCredentials sp = TestCredentials.rsa("sp");
        AuthnRequestFactory factory = new AuthnRequestFactory(ACS_BASE + "/sso/metadata", ACS_BASE + "/sso/acs", null,
                sp.privateKey(), sp.certificate(), new SecureXml());
        String location = "https://idp.example.com/sso";
        String url = factory.redirectUrl(location, SamlConstants.SAML_REQUEST,
                factory.xml("_4f2c9a1e0b7d4e3f", Instant.parse("2026-11-27T11:08:40Z"), location), "r-8f3a");

        Run run = run(url + "\n", List.of());
        Run pasted = run(List.of(url));

        assertThat(pasted.status()).as(pasted.out() + pasted.err()).isEqualTo(ExitStatus.OK);
        assertThat(pasted.out()).startsWith("Input: the argument: a URL with SAMLRequest=");
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains("a URL with SAMLRequest=: base64 of raw DEFLATE (HTTP-Redirect binding)")
                .contains("Kind: SAML 2.0 AuthnRequest")
                .contains("<samlp:AuthnRequest", "<saml:Issuer>http://localhost:8080/sso/metadata</saml:Issuer>")
                .contains(field(1, "ID", "_4f2c9a1e0b7d4e3f"), field(1, "ACS URL", "http://localhost:8080/sso/acs"))
                .contains(field(1, "RelayState", "r-8f3a"), field(1, "SigAlg", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"))
                .contains("--in-response-to _4f2c9a1e0b7d4e3f");
    }

    @Test
    void aDeflateBombIsRefused() throws Exception {
        // 100 MB of zeros deflate to about 100 KB; the valve's decoder stops at its limit.
        String bomb = deflateBase64(new byte[100 * 1024 * 1024]);

        Run run = run("SAMLResponse=" + URLEncoder.encode(bomb, StandardCharsets.UTF_8), List.of());

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("Refused: ", "response_too_large: DEFLATE data expands beyond");
    }

    @Test
    void metadataIsSummarisedWithCertificatesEndpointsAndExpiryWarnings() throws Exception {
        Golden golden = golden("simplesamlphp-default");

        Run now = run(List.of("--no-xml", golden.metadata().toString()));
        Run nearExpiry = run(List.of("--no-xml", "--at", "2036-11-01T00:00:00Z", golden.metadata().toString()));
        Run expired = run(List.of("--no-xml", "--at", "2037-01-01T00:00:00Z", golden.metadata().toString()));

        assertThat(now.status()).isEqualTo(ExitStatus.OK);
        assertThat(now.out()).contains("Kind: SAML 2.0 metadata", field(1, "entityID", golden.get("idpEntityId")))
                .contains("identity provider (IDPSSODescriptor, SAML 2.0)", field(2, "signing certificate", "CN=Portcullis test SimpleSAMLphp IdP"))
                .contains("encryption certificate", field(3, "valid", "2026-11-27T11:07:20Z to 2036-11-24T11:07:20Z"))
                .contains("SingleSignOnService", "HTTP-Redirect   http://localhost:8280/saml2/idp/SSOService.php")
                .contains("the valve would accept this IdP")
                .doesNotContain("! ");
        assertThat(nearExpiry.out()).contains("! expires in 23d");
        assertThat(expired.out()).contains("! EXPIRED ");
    }

    @Test
    void metadataPastItsValidUntilIsRefusedAsTheValveWould() throws Exception {
        Golden golden = golden("keycloak-default");
        String expired = Files.readString(golden.metadata()).replaceFirst("entityID=", "validUntil=\"2026-11-27T11:00:00Z\" entityID=");
        Path file = Files.writeString(temp.resolve("expired.xml"), expired);

        Run summary = run(expired, List.of("--no-xml", "--at", golden.get("validateAt")));
        Run validation = run(List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", file.toString(),
                "--at", golden.get("validateAt"), "--in-response-to", golden.get("requestId"), golden.response().toString()));

        assertThat(summary.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(summary.out()).contains("! this metadata has EXPIRED (validUntil)",
                "! the valve would refuse this as idpMetadata: the metadata expired at 2026-11-27T11:00:00Z");
        assertThat(validation.status()).isEqualTo(ExitStatus.USAGE);
        assertThat(validation.err()).contains("saml-inspect: Portcullis setting 'idpMetadata': the metadata expired");
    }

    @Test
    void notWellFormedXmlAndDoctypesAreRefused() {
        Run broken = run("<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">", List.of());
        Run doctype = run("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>", List.of());
        Run garbage = run("this is not SAML", List.of());
        Run other = run("<html><body>Sign in</body></html>", List.of());

        assertThat(broken.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(broken.out()).contains("malformed_response_data: not well-formed XML");
        assertThat(doctype.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(doctype.out()).contains("dtd_not_allowed");
        assertThat(garbage.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(garbage.out()).contains("neither XML, nor base64, nor a URL or form");
        assertThat(other.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(other.out()).contains("Kind: not SAML 2.0", "html (no namespace)", "Refused: this is not a SAML 2.0 message");
    }

    @Test
    void terminalControlCharactersAndInjectedCommentsAreShownNotObeyed() {
        String logout = "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\""
                + " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_l1\" Version=\"2.0\""
                + " IssueInstant=\"2026-11-27T11:08:40Z\" Reason=\"\u009B2J\u202Egnp.exe\">"
                + "<saml:Issuer>https://idp.example.com</saml:Issuer>"
                + "<saml:NameID>admin@example.com<!---->.evil.example</saml:NameID>"
                + "<samlp:SessionIndex>s1</samlp:SessionIndex></samlp:LogoutRequest>";

        Run run = run(logout, List.of());

        assertThat(run.status()).isEqualTo(ExitStatus.OK);
        // U+009B is the one-character CSI of ECMA-48 (ESC itself cannot occur in XML 1.0); U+202E reverses text.
        assertThat(run.out()).doesNotContain("\u009B").doesNotContain("\u202E")
                .contains("&#x9B;2J&#x202E;gnp.exe", "\\u009B2J\\u202Egnp.exe")
                .contains("<!---->", field(1, "NameID", "\"admin@example.com.evil.example\""))
                .contains("the NameID is made of 3 nodes");
    }

    @Test
    void aPrivateKeyIsNeverPrinted() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";

        Run run = run(key, List.of());

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out() + run.err()).doesNotContain("MIIEvQ").contains("never prints keys");
    }

    // ------------------------------------------------------------------ the tool agrees with the running valve (issues 10, 11)

    @Test
    void aResponseWhoseXmlStartsWithAByteOrderMarkIsValidAsAtTheAcs() throws Exception {
        Golden golden = golden("keycloak-default");
        byte[] xml = Base64.getDecoder().decode(golden.responseText());
        byte[] withBom = new byte[xml.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(xml, 0, withBom, 3, xml.length);

        Run bom = run(Base64.getEncoder().encodeToString(withBom), with(golden.asCaptured(), "--no-xml", "-"));
        Run plain = run(golden.responseText(), with(golden.asCaptured(), "--no-xml", "-"));

        assertThat(bom.status()).as(bom.out()).isEqualTo(ExitStatus.OK);
        assertThat(bom.out()).contains("base64 of XML (HTTP-POST binding)", "Result: VALID");
        assertThat(plain.status()).isEqualTo(ExitStatus.OK);
    }

    @Test
    void checkedAsOfItsArrivalTheTimeIsNotMentioned() throws Exception {
        Golden golden = golden("keycloak-default");
        Run run = run(with(golden.asCaptured(), "--no-xml", golden.response().toString()));
        assertThat(run.status()).isEqualTo(ExitStatus.OK);
        assertThat(run.out()).contains(field(1, "check instant", Instant.parse(golden.get("validateAt"))
                + " (--at: when the Response arrived)")).doesNotContain("time: ");
    }

    @Test
    void anIdpClockBehindIsMeasuredAgainstTheArrivalNotHiddenByIt() throws Exception {
        Golden golden = golden("keycloak-default");
        // Arrived 20 minutes after the IdP says it issued it: the IdP's clock is behind, the valve refused it.
        Instant arrival = Instant.parse(golden.get("responseIssueInstant")).plusSeconds(1200);
        Run run = run(List.of("--set", "externalBaseUrl=" + ACS_BASE, "--idp-metadata", golden.metadata().toString(),
                "--at", arrival.toString(), "--in-response-to", golden.get("requestId"), "--no-xml", golden.response().toString()));

        assertThat(run.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(run.out()).contains("FAIL  issue-instant", "time: the IdP's IssueInstant", " is 20m before the check instant "
                + arrival + " (--at: when the Response arrived)", "the IdP's clock is about 20m behind")
                .contains("time: steps that failed on time: issue-instant, subject-confirmation, conditions");
    }

    /** An SP key the valve would refuse: a 1024-bit RSA key. */
    private List<String> settingsWithShortKey(Path metadata, Instant now) throws Exception {
        TestCredentials shortKey = TestCredentials.rsa("old-sp.example.com", 1024);
        Path key = Files.writeString(temp.resolve("short.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(shortKey.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Path certificate = Files.writeString(temp.resolve("short.crt"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(shortKey.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return List.of("--set", "externalBaseUrl=https://apps.example.com", "--set", "spPrivateKey=" + key,
                "--set", "spCertificate=" + certificate, "--idp-metadata", metadata.toString(), "--at", now.toString(),
                "--in-response-to", "_request1", "--no-xml");
    }

    @Test
    void anSpKeyBelowTheValvesMinimumStillLetsAResponseBeCheckedAndSaysWhatCouldNotBe() throws Exception {
        String idpEntityId = "https://idp.example.org/metadata";
        String base = "https://apps.example.com";
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        TestCredentials idpKey = TestCredentials.rsa("idp.example.org");
        Path metadata = Files.writeString(temp.resolve("idp.xml"), new IdpMetadataWriter(idpEntityId).signingCertificate(idpKey)
                .singleSignOnService(SamlConstants.POST_BINDING, "https://idp.example.org/sso").toString());
        Document plain = SamlResponseBuilder.valid(now, idpEntityId, base + "/sso/metadata", base + "/sso/acs", "_request1",
                "alice@example.com").build();
        XmlSigning.sign(Xml.first(plain, SamlConstants.ASSERTION_NS, "Assertion"), idpKey);
        Document encrypted = SamlResponseBuilder.valid(now, idpEntityId, base + "/sso/metadata", base + "/sso/acs", "_request1",
                "alice@example.com").build();
        Element assertion = Xml.first(encrypted, SamlConstants.ASSERTION_NS, "Assertion");
        XmlSigning.sign(assertion, idpKey);
        XmlEncryption.encrypt(assertion, "EncryptedAssertion", TestCredentials.rsa("apps.example.com").certificate(),
                XmlEncryption.AES256_GCM, XmlEncryption.RSA_OAEP);
        List<String> settings = settingsWithShortKey(metadata, now);

        Run nothingEncrypted = run(Xml.base64(plain), with(settings, "-"));
        Run somethingEncrypted = run(Xml.base64(encrypted), with(settings, "-"));

        assertThat(nothingEncrypted.status()).as(nothingEncrypted.out() + nothingEncrypted.err()).isEqualTo(ExitStatus.OK);
        assertThat(nothingEncrypted.out()).contains("Result: VALID", "PASS  decryption",
                "the valve itself would not start with this SP key: Portcullis setting 'spPrivateKey'", "at least 2048");
        assertThat(somethingEncrypted.status()).isEqualTo(ExitStatus.INVALID);
        assertThat(somethingEncrypted.out()).contains("----  decryption", "[not checked: an EncryptedAssertion cannot be"
                + " decrypted here: Portcullis setting 'spPrivateKey'", "Result: NOT DECIDED").doesNotContain("FAIL ");
    }

    @Test
    void withServerXmlTheValvesSavedCopyIsTrustedAndTheFreshUrlIsCheckedBesideIt() throws Exception {
        String idpEntityId = "https://idp.example.org/metadata";
        String base = "https://apps.example.com";
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        TestCredentials oldKey = TestCredentials.rsa("idp.example.org (old)");
        TestCredentials newKey = TestCredentials.rsa("idp.example.org (new)");
        String oldMetadata = new IdpMetadataWriter(idpEntityId).signingCertificate(oldKey)
                .singleSignOnService(SamlConstants.POST_BINDING, "https://idp.example.org/sso").toString();
        String newMetadata = new IdpMetadataWriter(idpEntityId).signingCertificate(newKey)
                .singleSignOnService(SamlConstants.POST_BINDING, "https://idp.example.org/sso").toString();
        com.sun.net.httpserver.HttpServer idp = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/metadata", exchange -> {
            byte[] body = newMetadata.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        try {
            String url = "http://localhost:" + idp.getAddress().getPort() + "/metadata";
            Path catalinaBase = temp.resolve("tomcat");
            Path conf = Files.createDirectories(catalinaBase.resolve("conf"));
            Files.writeString(conf.resolve("server.xml"), "<Server><Service><Engine><Host>"
                    + "<Valve className=\"dev.portcullis.SsoValve\" externalBaseUrl=\"" + base + "\" idpMetadata=\"" + url + "\"/>"
                    + "</Host></Engine></Service></Server>");
            // Where the running valve keeps its copy: the same default the valve computes.
            dev.portcullis.config.SettingsBuilder builder = new dev.portcullis.config.SettingsBuilder();
            builder.set("externalBaseUrl", base);
            builder.set("idpMetadata", url);
            builder.set("signAuthnRequests", "false");
            Path saved = builder.build("").idpMetadataBackup(catalinaBase.toString()).orElseThrow();
            assertThat(saved.toString()).startsWith(catalinaBase.resolve("work/portcullis/idp-metadata-").toString());
            Files.createDirectories(saved.getParent());
            Files.writeString(saved, oldMetadata);
            Files.setLastModifiedTime(saved, java.nio.file.attribute.FileTime.from(now.minusSeconds(3600)));

            List<String> args = List.of("--server-xml", conf.resolve("server.xml").toString(), "--in-response-to", "_request1",
                    "--no-xml", "-");
            Run byOldKey = run(Clock.fixed(now, ZoneOffset.UTC), Map.of(), signedBy(oldKey, idpEntityId, base, now), args);
            Run byNewKey = run(Clock.fixed(now, ZoneOffset.UTC), Map.of(), signedBy(newKey, idpEntityId, base, now), args);

            // The running valve still trusts the old key: the tool says what the valve says, and shows the URL's verdict beside.
            assertThat(byOldKey.status()).as(byOldKey.out() + byOldKey.err()).isEqualTo(ExitStatus.OK);
            assertThat(byOldKey.out()).contains(field(1, "IdP metadata", "the valve's saved copy " + saved + ", written "
                            + now.minusSeconds(3600) + " (1h before the check instant)"))
                    .contains("Result: VALID", "Beside it: the IdP's metadata as its URL serves it now")
                    .contains(field(1, "IdP metadata", url + " (fetched now)"))
                    .contains(field(1, "signing keys", "changed: 1 added, 1 removed since the copy the valve trusts"))
                    .contains(field(1, "verdict", "INVALID - invalid_signature (step assertion-signature)"));
            assertThat(byNewKey.status()).isEqualTo(ExitStatus.INVALID);
            assertThat(byNewKey.out()).contains("Result: INVALID - the valve would refuse this sign-in with invalid_signature")
                    .contains(field(1, "verdict", "VALID"));

            // Once the valve has refreshed (its copy is the URL's), the two agree.
            Files.writeString(saved, newMetadata);
            Run refreshed = run(Clock.fixed(now, ZoneOffset.UTC), Map.of(), signedBy(newKey, idpEntityId, base, now), args);
            assertThat(refreshed.status()).isEqualTo(ExitStatus.OK);
            assertThat(refreshed.out()).contains(field(1, "signing keys", "the same as in the copy the valve trusts"),
                    field(1, "verdict", "VALID"));
        } finally {
            idp.stop(0);
        }
    }

    private static String signedBy(TestCredentials key, String idpEntityId, String base, Instant now) {
        Document doc = SamlResponseBuilder.valid(now, idpEntityId, base + "/sso/metadata", base + "/sso/acs", "_request1",
                "alice@example.com").build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), key);
        return Xml.base64(doc);
    }
}
