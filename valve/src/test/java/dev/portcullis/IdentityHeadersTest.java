package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Header mode: the webapp reads the user from configured headers, and no client can supply one — the
 * forged header is removed on every path, under any spelling a proxy might equate, and the genuine
 * one is set only from a session.
 */
class IdentityHeadersTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");
    private static EmbeddedTomcat server;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        SsoValve valve = server.valve();
        valve.setClock(new TestClock(Instant.now()));
        valve.setProperty("identityHeaders", "X-Remote-User=principal, X-Roles=roles, X-Mail=attribute:mail");
        server.start(valve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Map<String, String> seen(Browser.Page page) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : page.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    private static Browser signedIn(String user) {
        Browser browser = new Browser();
        Map<String, String> query = Browser.query(browser.get(server.url("/app/")).location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), EmbeddedTomcat.IDP_ENTITY,
                server.url("/sso/metadata"), server.url("/sso/acs"), request.getDocumentElement().getAttribute("ID"), user);
        builder.attribute("roles", "user", "admin");
        builder.attribute("mail", user + "@example.com\r\nX-Injected: yes");
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        assertThat(browser.post(server.url("/sso/acs"), Map.of("SAMLResponse", Xml.base64(doc),
                "RelayState", query.get("RelayState"))).status()).isEqualTo(303);
        return browser;
    }

    @Test
    void setsTheHeadersFromTheSession() {
        Map<String, String> seen = seen(signedIn("alice").get(server.url("/app/")));

        assertThat(seen).containsEntry("header.X-Remote-User", "[alice]").containsEntry("header.X-Roles", "[user,admin]")
                .containsEntry("header.X-Mail", "[alice@example.com  X-Injected: yes]");
    }

    @Test
    void replacesAForgedHeaderOnAProtectedPath() {
        Browser alice = signedIn("alice");

        Map<String, String> seen = seen(alice.get(server.url("/app/"), "Accept", "text/html", "X-Remote-User", "root",
                "X-Roles", "admin"));

        assertThat(seen).containsEntry("header.X-Remote-User", "[alice]").containsEntry("header.X-Roles", "[user,admin]");
    }

    @Test
    void removesAForgedHeaderOnAnExcludedPathWhereNobodyIsSignedIn() {
        Browser anonymous = new Browser();
        assertThat(seen(anonymous.get(server.url("/app/public/")))).containsEntry("header.X-Remote-User", "[]");

        Map<String, String> forged = seen(anonymous.get(server.url("/app/public/"), "Accept", "text/html",
                "X-Remote-User", "root", "x-remote-user", "root2", "X_Remote_User", "root3", "X-Mail", "root@example.com"));

        assertThat(forged).containsEntry("header.X-Remote-User", "[]").containsEntry("header.X_Remote_User", "[]")
                .containsEntry("header.X-Mail", "[]").containsEntry("user", "null");
    }
}
