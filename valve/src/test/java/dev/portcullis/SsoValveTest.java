package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestClock;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * The valve in a real embedded Tomcat, at Host level, over real HTTP: the redirect to the IdP, the
 * ACS, the session cookie, what webapps see, and how the ACS refuses bad responses (403, no
 * session, never a 5xx). The IdP's side is played by the test kit, which signs responses with the
 * key in the IdP metadata the valve was given.
 */
class SsoValveTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp.example.org");
    private static final TestCredentials SP_KEY = TestCredentials.rsa("sp.example.com");
    private static final TestClock CLOCK = new TestClock(Instant.now());

    private static EmbeddedTomcat server;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        server = new EmbeddedTomcat(IDP_KEY, SP_KEY);
        SsoValve valve = server.valve();
        valve.setClock(CLOCK);
        // The operator forces signing (the test IdP's metadata does not ask for it): AuthnRequestSigningTest has the rest.
        valve.setProperty("signAuthnRequests", "true");
        server.start(valve);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void newBrowser() {
        browser = new Browser();
        CLOCK.set(Instant.now());
    }

    private static String acs() {
        return server.url("/sso/acs");
    }

    private static String spEntityId() {
        return server.url("/sso/metadata");
    }

    /** What the IdP received: the AuthnRequest, its ID and the RelayState. */
    record Started(String requestId, String relayState, Document request, String location) {
    }

    private Started startLogin(String path) {
        Browser.Page page = browser.get(server.url(path));
        assertThat(page.status()).isEqualTo(302);
        String location = page.location();
        assertThat(location).startsWith(EmbeddedTomcat.IDP_SSO + "?");
        Map<String, String> query = Browser.query(location);
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        return new Started(request.getDocumentElement().getAttribute("ID"), query.get("RelayState"), request, location);
    }

    private SamlResponseBuilder responseFor(Started started, String nameId, String... roles) {
        SamlResponseBuilder builder = SamlResponseBuilder.valid(CLOCK.instant(), EmbeddedTomcat.IDP_ENTITY, spEntityId(),
                acs(), started.requestId(), nameId);
        builder.attribute("roles", roles);
        builder.attribute("mail", nameId + "@example.com");
        return builder;
    }

    private Browser.Page postResponse(Document response, String relayState) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(response));
        if (relayState != null) {
            form.put("RelayState", relayState);
        }
        return browser.post(acs(), form);
    }

    private static Document signed(SamlResponseBuilder builder) {
        Document doc = builder.build();
        XmlSigning.sign(Xml.first(doc, SamlConstants.ASSERTION_NS, "Assertion"), IDP_KEY);
        return doc;
    }

    /** Signs in through the whole flow and returns the landing response of the ACS. */
    private Browser.Page signIn(String path, String nameId, String... roles) {
        Started started = startLogin(path);
        return postResponse(signed(responseFor(started, nameId, roles)), started.relayState());
    }

    private static Map<String, String> identity(Browser.Page page) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : page.body().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return values;
    }

    @Nested
    class SigningIn {

        @Test
        void sendsAnUnauthenticatedNavigationToTheIdpWithASignedAuthnRequest() {
            Started started = startLogin("/app/page?x=1");

            Element request = started.request().getDocumentElement();
            assertThat(request.getLocalName()).isEqualTo("AuthnRequest");
            assertThat(request.getAttribute("AssertionConsumerServiceURL")).isEqualTo(acs());
            assertThat(request.getAttribute("Destination")).isEqualTo(EmbeddedTomcat.IDP_SSO);
            assertThat(Xml.first(request, SamlConstants.ASSERTION_NS, "Issuer").getTextContent()).isEqualTo(spEntityId());
            assertThat(started.requestId()).startsWith("_").hasSizeGreaterThan(20);
            assertThat(started.relayState()).hasSize(30);
            assertThat(RedirectBinding.verify(started.location(), SP_KEY.certificate().getPublicKey())).isTrue();
            assertThat(RedirectBinding.verify(started.location(), IDP_KEY.certificate().getPublicKey())).isFalse();
        }

        @Test
        void answersScriptsWith401AndJsonInsteadOfARedirect() {
            Browser.Page xhr = browser.get(server.url("/app/data"), "X-Requested-With", "XMLHttpRequest", "Accept", "text/html");
            Browser.Page api = browser.get(server.url("/app/data"), "Accept", "application/json");

            assertThat(xhr.status()).isEqualTo(401);
            assertThat(xhr.header("Content-Type")).startsWith("application/json");
            assertThat(xhr.body()).contains("authentication_required");
            assertThat(api.status()).isEqualTo(401);
            assertThat(browser.get(server.url("/app/data")).status()).isEqualTo(302);
        }

        @Test
        void signsInAndReturnsToTheOriginalUrlWithASessionCookie() {
            Browser.Page landing = signIn("/app/page?x=1&y=2", "alice", "user", "admin");

            assertThat(landing.status()).isEqualTo(303);
            assertThat(landing.location()).isEqualTo(server.url("/app/page?x=1&y=2"));
            String setCookie = landing.headers("Set-Cookie").stream().filter(c -> c.startsWith("PORTCULLIS=")).findFirst()
                    .orElseThrow();
            assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Secure");
            assertThat(browser.cookie("localhost", "PORTCULLIS")).hasSize(43);

            Map<String, String> seen = identity(browser.follow(landing));
            assertThat(seen).containsEntry("user", "alice").containsEntry("principal", "alice")
                    .containsEntry("authType", "SAML").containsEntry("admin", "true").containsEntry("userRole", "true")
                    .containsEntry("principal.attr.mail", "[alice@example.com]").containsEntry("path", "/app/page")
                    .containsEntry("principal.nameId", "alice").containsEntry("principal.idp", EmbeddedTomcat.IDP_ENTITY)
                    .containsEntry("portcullisRequestAttributes", "[]").doesNotContainKey("attr.mail");
        }

        @Test
        void oneSignInCoversEveryWebappOnTheHost() {
            browser.follow(signIn("/app/", "alice", "user"));

            Browser.Page other = browser.get(server.url("/other/"));

            assertThat(other.status()).isEqualTo(200);
            assertThat(identity(other)).containsEntry("user", "alice");
        }

        @Test
        void theWebappsOwnConstraintAdmitsAnAdminAndRefusesAUser() {
            browser.follow(signIn("/app/", "alice", "user", "admin"));
            assertThat(browser.get(server.url("/app/admin/")).status()).isEqualTo(200);

            Browser bob = new Browser();
            browser = bob;
            browser.follow(signIn("/app/", "bob", "user"));
            assertThat(bob.get(server.url("/app/admin/")).status()).isEqualTo(403);
            assertThat(identity(bob.get(server.url("/app/")))).containsEntry("user", "bob").containsEntry("admin", "false");
        }

        @Test
        void theWebappsSessionDoesNotKeepACopyOfTheIdentity() {
            // Tomcat's authenticator would cache the principal in the webapp's HttpSession and restore it
            // on requests without one: on excluded paths, and after the Portcullis session has ended.
            browser.follow(signIn("/app/", "alice", "user", "admin"));
            assertThat(browser.get(server.url("/app/admin/?session=1")).status()).isEqualTo(200);
            String jsessionid = browser.cookie("localhost", "JSESSIONID");
            assertThat(jsessionid).isNotNull();

            Browser sessionOnly = new Browser();
            sessionOnly.setCookie("localhost", "JSESSIONID", jsessionid);

            assertThat(identity(sessionOnly.get(server.url("/app/public/info")))).containsEntry("user", "null");
            assertThat(sessionOnly.get(server.url("/app/admin/")).status()).isEqualTo(302);
        }

        @Test
        void excludedPathsPassWithoutSignInAndWithoutIdentity() {
            Browser.Page page = browser.get(server.url("/app/public/info"));

            assertThat(page.status()).isEqualTo(200);
            assertThat(identity(page)).containsEntry("user", "null");
        }

        @Test
        void servesSpMetadataWithTheAcsAndTheSigningCertificate() {
            Browser.Page metadata = browser.get(server.url("/sso/metadata"));

            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.header("Content-Type")).startsWith("application/samlmetadata+xml");
            Document doc = Xml.parse(metadata.body());
            assertThat(doc.getDocumentElement().getAttribute("entityID")).isEqualTo(spEntityId());
            assertThat(metadata.body()).contains("Location=\"" + acs() + "\"").contains(SP_KEY.certificateBase64());
        }

        @Test
        void aSecondSignInReplacesTheSessionInsteadOfReusingItsId() {
            browser.follow(signIn("/app/", "alice", "user"));
            Browser signedIn = browser;
            String first = signedIn.cookie("localhost", "PORTCULLIS");
            browser = new Browser();
            Started second = startLogin("/app/");
            browser = signedIn;
            browser.follow(postResponse(signed(responseFor(second, "alice", "user")), second.relayState()));
            String replaced = browser.cookie("localhost", "PORTCULLIS");

            assertThat(replaced).isNotNull().isNotEqualTo(first);
            Browser old = new Browser();
            old.setCookie("localhost", "PORTCULLIS", first);
            assertThat(old.get(server.url("/app/")).status()).isEqualTo(302);
            assertThat(browser.get(server.url("/app/")).status()).isEqualTo(200);
        }
    }

    @Nested
    class SessionLifetime {

        @Test
        void anIdleSessionEndsAndTheBrowserIsSentBackToTheIdp() {
            browser.follow(signIn("/app/", "alice", "user"));
            CLOCK.advance(Duration.ofMinutes(29));
            assertThat(browser.get(server.url("/app/")).status()).isEqualTo(200);

            CLOCK.advance(Duration.ofMinutes(31));
            Browser.Page expired = browser.get(server.url("/app/"));

            assertThat(expired.status()).isEqualTo(302);
            assertThat(expired.location()).startsWith(EmbeddedTomcat.IDP_SSO);
        }

        @Test
        void aSessionEndsAtItsMaximumLifetimeHoweverActive() {
            browser.follow(signIn("/app/", "alice", "user"));
            for (int i = 0; i < 16; i++) {
                CLOCK.advance(Duration.ofMinutes(29));
                browser.get(server.url("/app/"));
            }
            CLOCK.advance(Duration.ofMinutes(20));
            assertThat(browser.get(server.url("/app/")).status()).isEqualTo(302);
        }

        @Test
        void theIdpsSessionNotOnOrAfterBoundsTheSession() {
            Started started = startLogin("/app/");
            SamlResponseBuilder builder = responseFor(started, "alice", "user");
            builder.sessionNotOnOrAfter = CLOCK.instant().plus(Duration.ofMinutes(10));
            browser.follow(postResponse(signed(builder), started.relayState()));
            CLOCK.advance(Duration.ofMinutes(9));
            assertThat(browser.get(server.url("/app/")).status()).isEqualTo(200);

            CLOCK.advance(Duration.ofMinutes(2));
            assertThat(browser.get(server.url("/app/")).status()).isEqualTo(302);
        }

        @Test
        void anExpiredSessionGetsA401ForScripts() {
            browser.follow(signIn("/app/", "alice", "user"));
            CLOCK.advance(Duration.ofHours(1));
            assertThat(browser.get(server.url("/app/api"), "Accept", "application/json").status()).isEqualTo(401);
        }
    }

    /** Every refusal at the ACS: 403 with a correlation id, no session cookie, nothing echoed. */
    @Nested
    class RefusedAtTheAcs {

        private void refused(Browser.Page page) {
            assertThat(page.status()).isEqualTo(403);
            assertThat(page.body()).contains("Sign-in failed").containsPattern("<code>[2-9A-Z]{10}</code>")
                    .doesNotContain("saml").doesNotContain("Exception");
            assertThat(page.headers("Set-Cookie")).noneMatch(c -> c.startsWith("PORTCULLIS=") && !c.startsWith("PORTCULLIS=;"));
            assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
        }

        private void refusedWith(Consumer<SamlResponseBuilder> change) {
            Started started = startLogin("/app/");
            SamlResponseBuilder builder = responseFor(started, "alice", "user");
            change.accept(builder);
            refused(postResponse(signed(builder), started.relayState()));
        }

        @Test
        void acceptsTheUnchangedResponse() {
            refusedWithNothingChangedIsAccepted();
        }

        private void refusedWithNothingChangedIsAccepted() {
            Started started = startLogin("/app/");
            assertThat(postResponse(signed(responseFor(started, "alice", "user")), started.relayState()).status())
                    .isEqualTo(303);
        }

        @Test
        void aLargeResponseWrappedAfterEveryCharacterIsReadAsTheValidatorReadsItAndOneTooLargeIsNot() {
            // About 100 KB decoded (limit 256 KB): base64 with CRLF after every character is three times as many
            // characters (within the validator's 2 x 256 K), and form encoding writes each CRLF in 6 bytes, so the
            // body is ~7 times the base64; the ACS must read it as saml-inspect does.
            Started started = startLogin("/app/");
            SamlResponseBuilder builder = responseFor(started, "alice", "user");
            builder.attribute("notes", "n".repeat(100_000));
            String wrapped = Xml.base64(signed(builder)).replaceAll("(.)", "$1\r\n");
            assertThat(wrapped.length()).isLessThan(2 * 262_144);
            assertThat(browser.post(acs(), Map.of("SAMLResponse", wrapped, "RelayState", started.relayState())).status())
                    .isEqualTo(303);
            browser.clearCookies();

            Started again = startLogin("/app/");
            SamlResponseBuilder tooLarge = responseFor(again, "alice", "user");
            tooLarge.attribute("notes", "n".repeat(190_000));
            refused(browser.post(acs(), Map.of("SAMLResponse", Xml.base64(signed(tooLarge)).replaceAll("(.)", "$1\r\n"),
                    "RelayState", again.relayState())));
        }

        @Test
        void anUnsignedAssertion() {
            Started started = startLogin("/app/");
            refused(postResponse(responseFor(started, "alice", "user").build(), started.relayState()));
        }

        @Test
        void aTamperedAttribute() {
            Started started = startLogin("/app/");
            Document doc = signed(responseFor(started, "bob", "user"));
            Element value = (Element) doc.getElementsByTagNameNS(SamlConstants.ASSERTION_NS, "AttributeValue").item(0);
            value.setTextContent("admin");
            refused(postResponse(doc, started.relayState()));
        }

        @Test
        void aReplayedResponse() {
            Started started = startLogin("/app/");
            Document doc = signed(responseFor(started, "alice", "user"));
            assertThat(postResponse(doc, started.relayState()).status()).isEqualTo(303);

            Browser attacker = new Browser();
            browser = attacker;
            refused(postResponse(doc, started.relayState()));
        }

        @Test
        void aReplayedAssertionUnderAFreshRelayState() {
            Started first = startLogin("/app/");
            Document doc = signed(responseFor(first, "alice", "user"));
            assertThat(postResponse(doc, first.relayState()).status()).isEqualTo(303);

            browser = new Browser();
            Started second = startLogin("/app/");
            refused(postResponse(doc, second.relayState()));
        }

        @Test
        void anAnswerToAnotherRequest() {
            Started mine = startLogin("/app/");
            Started other = startLogin("/app/");
            refused(postResponse(signed(responseFor(other, "alice", "user")), mine.relayState()));
        }

        @Test
        void anUnknownRelayState() {
            Started started = startLogin("/app/");
            refused(postResponse(signed(responseFor(started, "alice", "user")), "AAAAAAAAAAAAAAAAAAAAAA"));
            // A handle of the right shape that this valve never issued: its HMAC is not the request's ID.
            browser = new Browser();
            Started again = startLogin("/app/");
            String handle = again.relayState();
            String forged = handle.substring(0, 10) + (handle.charAt(10) == 'x' ? 'y' : 'x') + handle.substring(11);
            refused(postResponse(signed(responseFor(again, "alice", "user")), forged));
        }

        @Test
        void aSecondResponseToACompletedSignIn() {
            Started started = startLogin("/app/");
            assertThat(postResponse(signed(responseFor(started, "alice", "user")), started.relayState()).status())
                    .isEqualTo(303);

            // Another assertion (its own ID, so not a replay) answering the same AuthnRequest.
            browser = new Browser();
            refused(postResponse(signed(responseFor(started, "mallory", "admin")), started.relayState()));
        }

        @Test
        void anAnswerThatCameAfterLoginRequestTimeout() {
            Started started = startLogin("/app/");
            CLOCK.set(CLOCK.instant().plus(Duration.ofMinutes(10)));
            refused(postResponse(signed(responseFor(started, "alice", "user")), started.relayState()));
            // Just in time is accepted.
            browser = new Browser();
            Started inTime = startLogin("/app/");
            CLOCK.set(CLOCK.instant().plus(Duration.ofMinutes(9)));
            assertThat(postResponse(signed(responseFor(inTime, "alice", "user")), inTime.relayState()).status())
                    .isEqualTo(303);
        }

        @Test
        void aRelayStateThatIsAUrl() {
            Started started = startLogin("/app/");
            refused(postResponse(signed(responseFor(started, "alice", "user")), "https://evil.example.net/"));
        }

        @Test
        void noRelayStateAtAll() {
            Started started = startLogin("/app/");
            refused(postResponse(signed(responseFor(started, "alice", "user")), null));
        }

        @Test
        void anExpiredAssertion() {
            refusedWith(b -> {
                b.notOnOrAfter = CLOCK.instant().minus(Duration.ofMinutes(5));
                b.subjectNotOnOrAfter = b.notOnOrAfter;
            });
        }

        @Test
        void anotherAudience() {
            refusedWith(b -> b.audiences.set(0, "https://other.example.com/sp"));
        }

        @Test
        void anotherDestination() {
            refusedWith(b -> b.destination = "https://other.example.com/sso/acs");
        }

        @Test
        void aCommentInjectedNameIdIsReadWhole() {
            Started started = startLogin("/app/");
            Document doc = signed(responseFor(started, "bob.evil.net", "user"));
            Element nameId = Xml.first(doc, SamlConstants.ASSERTION_NS, "NameID");
            nameId.setTextContent("bob");
            nameId.appendChild(doc.createComment("x"));
            nameId.appendChild(doc.createTextNode(".evil.net"));
            Browser.Page landing = postResponse(doc, started.relayState());

            assertThat(landing.status()).isEqualTo(303);
            assertThat(identity(browser.follow(landing))).containsEntry("user", "bob.evil.net");
        }

        @Test
        void aDoctype() {
            Started started = startLogin("/app/");
            String xml = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    + Xml.toString(signed(responseFor(started, "alice", "user")));
            refused(browser.post(acs(), Map.of("SAMLResponse", Xml.base64(xml), "RelayState", started.relayState())));
        }

        @Test
        void tenMegabytes() {
            Started started = startLogin("/app/");
            refused(browser.post(acs(), Map.of("SAMLResponse", "A".repeat(10 * 1024 * 1024),
                    "RelayState", started.relayState())));
        }

        @Test
        void garbage() {
            refused(browser.post(acs(), Map.of("SAMLResponse", "%%%not base64%%%")));
            refused(browser.post(acs(), "SAMLResponse=" + "PD94bWw".repeat(3)));
        }

        @Test
        void aGetToTheAcs() {
            refused(browser.get(acs()));
        }
    }
}
