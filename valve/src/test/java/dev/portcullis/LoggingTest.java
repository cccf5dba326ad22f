package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * What Portcullis writes to its log: one audit line per sign-in and per refusal, tied to the page the
 * user saw by the correlation id; warnings operators need; and never a secret.
 */
class LoggingTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private EmbeddedTomcat server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private String signIn(Browser browser, boolean tamper) {
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), "alice");
        builder.attribute("mail", "alice-secret-attribute@example.com");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        if (tamper) {
            Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID").setTextContent("root");
        }
        String encoded = Xml.base64(doc);
        Browser.Page page = browser.post(server.url("/sso/acs"), Map.of("SAMLResponse", encoded, "RelayState", query.get("RelayState")));
        return page.status() + " " + page.body() + "\n" + encoded;
    }

    @Test
    void writesOneAuditLinePerOutcomeWithTheCorrelationIdTheUserSawAndNoSecrets() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp"));
        server.start(server.valve());
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser good = new Browser();
            String accepted = signIn(good, false);
            String cookie = good.cookie("localhost", "PORTCULLIS");
            String refused = signIn(new Browser(), true);
            String correlation = refused.replaceAll("(?s).*<code>([^<]+)</code>.*", "$1");

            List<String> audit = logs.lines().stream().filter(l -> l.contains("dev.portcullis.audit")).toList();
            assertThat(audit).anySatisfy(l -> assertThat(l).contains("\"event\":\"login_success\"").contains("\"user\":\"alice\"")
                    .contains("\"session\":\""));
            assertThat(audit).anySatisfy(l -> assertThat(l).contains("\"event\":\"login_failure\"")
                    .contains("\"code\":\"invalid_signature\"").contains("\"correlation\":\"" + correlation + "\""));
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains(correlation).contains("invalid_signature"));

            String samlResponse = accepted.substring(accepted.lastIndexOf('\n') + 1);
            for (String line : logs.lines()) {
                assertThat(line).doesNotContain(cookie).doesNotContain(samlResponse.substring(0, 40))
                        .doesNotContain("alice-secret-attribute").doesNotContain("<saml");
            }
        }
    }

    @Test
    void warnsAboutACertificateThatExpiresSoon() throws Exception {
        TestCredentials expiring = TestCredentials.rsa("sp-expiring", Instant.now().minus(Duration.ofDays(300)),
                Instant.now().plus(Duration.ofDays(10)));
        server = new EmbeddedTomcat(IDP_KEY, expiring);
        try (CapturedLogs logs = CapturedLogs.capture()) {
            server.start(server.valve());
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("WARN").contains("SP certificate")
                    .contains("CN=sp-expiring").contains("in 9 days"));
        }
    }

    @Test
    void warnsOnceWhenAnEndpointIsReachedUnderAnotherOrigin() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp"));
        server.start(server.valve());
        try (CapturedLogs logs = CapturedLogs.capture()) {
            Browser browser = new Browser();
            browser.get(server.url("/sso/metadata"));
            assertThat(logs.lines()).noneMatch(l -> l.contains("arrived as"));

            browser.get("http://127.0.0.1:" + server.port + "/sso/metadata");
            browser.get("http://127.0.0.1:" + server.port + "/sso/metadata");

            assertThat(logs.lines().stream().filter(l -> l.contains("arrived as [http://127.0.0.1:" + server.port + "]")
                    && l.contains("externalBaseUrl is [http://localhost:" + server.port + "]"))).hasSize(1);
        }
    }
}
