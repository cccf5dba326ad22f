package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.portcullis.devidp.SigningMode;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * The whole sign-in a person goes through, over real HTTP, with the shaded valve JAR in embedded
 * Tomcat 11, the unmodified sample WAR, and the development IdP signing responses with its own key
 * and checking the valve's signed AuthnRequests. Each hop is asserted so that a failure names it.
 */
class SignInIT {

    /** Signs in from {@code startUrl}: valve → IdP login form → auto-post to the ACS → back; returns the landing page. */
    static Page signIn(Browser browser, Stack stack, String startUrl, String user, String password) {
        Page toIdp = browser.get(startUrl);
        assertThat(toIdp.status()).as("the valve sends the browser to the IdP").isEqualTo(302);
        assertThat(toIdp.location()).startsWith(stack.idp.baseUrl() + "/sso?SAMLRequest=");

        Page login = browser.follow(toIdp);
        assertThat(login.status()).as("the IdP accepts the signed AuthnRequest:%n%s", login.body()).isEqualTo(200);

        Page autoPost = browser.submit(login, Map.of("username", user, "password", password));
        assertThat(Browser.formAction(autoPost.body())).as("the IdP posts to the valve's ACS").isEqualTo(stack.ssoBase + "/acs");

        Page acs = browser.submit(autoPost, Map.of());
        assertThat(acs.status()).as("the ACS accepts the response:%n%s", acs.body()).isEqualTo(303);
        assertThat(acs.location()).as("back to where the user was going").isEqualTo(startUrl);
        return browser.follow(acs);
    }

    /** Signs in at the IdP as alice from the sample's home page; returns the IdP's auto-post page, not yet posted. */
    static Page idpAnswerForAlice(Browser browser, Stack stack) {
        Page login = browser.follow(browser.get(stack.url("/sample/")));
        return browser.submit(login, Map.of("username", "alice", "password", "alice"));
    }

    /** Posts the IdP's answer to the ACS, which must refuse it with its error page and no session. */
    static void assertRefusedAtTheAcs(Browser browser, Page autoPost) {
        Page acs = browser.submit(autoPost, Map.of());

        assertThat(acs.status()).isEqualTo(403);
        assertThat(acs.body()).contains("Sign-in failed");
        assertThat(acs.headers("Set-Cookie")).as("no session cookie")
                .noneMatch(cookie -> cookie.startsWith("PORTCULLIS=") && !cookie.startsWith("PORTCULLIS=;"));
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AtHostLevel {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.HOST, idp -> { }, valve -> { });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void aliceReachesTheAdminArea() {
            Browser browser = new Browser();

            Page admin = signIn(browser, stack, stack.url("/sample/admin/"), "alice", "alice");

            assertThat(admin.status()).isEqualTo(200);
            assertThat(browser.get(stack.url("/sample/")).body()).contains("Signed in as <strong>alice</strong>")
                    .contains("Authentication type: SAML").contains("alice@example.com");
        }

        @Test
        void bobIsSignedInButForbiddenTheAdminArea() {
            Browser browser = new Browser();

            Page admin = signIn(browser, stack, stack.url("/sample/admin/"), "bob", "bob");

            assertThat(admin.status()).isEqualTo(403);
            assertThat(browser.get(stack.url("/sample/")).body()).contains("Signed in as <strong>bob</strong>");
        }

        @Test
        void theSameSignInIsValidInTheSecondWebapp() {
            Browser browser = new Browser();
            signIn(browser, stack, stack.url("/sample/"), "alice", "alice");

            Page second = browser.get(stack.url("/second/"));

            assertThat(second.status()).isEqualTo(200);
            assertThat(second.body()).contains("Signed in as <strong>alice</strong>");
            assertThat(browser.get(stack.url("/second/admin/")).status()).isEqualTo(200);
        }

        @Test
        void excludedPathsPassWithoutSignIn() {
            Page page = new Browser().get(stack.url("/sample/public/"));

            assertThat(page.status()).isEqualTo(200);
            assertThat(new Browser().get(stack.url("/second/public/")).status()).as("not excluded there").isEqualTo(302);
        }

        @Test
        void scriptsGet401WithoutARedirect() {
            Page xhr = new Browser().get(stack.url("/sample/api/whoami"), "X-Requested-With", "XMLHttpRequest",
                    "Accept", "application/json");

            assertThat(xhr.status()).isEqualTo(401);
            assertThat(xhr.location()).isNull();
            assertThat(xhr.body()).contains("authentication_required");
        }

        @Test
        void aWrongPasswordStaysAtTheIdp() {
            Browser browser = new Browser();
            Page login = browser.follow(browser.get(stack.url("/sample/")));

            Page again = browser.submit(login, Map.of("username", "alice", "password", "wrong"));

            assertThat(again.status()).isEqualTo(200);
            assertThat(again.uri().toString()).startsWith(stack.idp.baseUrl());
            assertThat(Browser.formFields(again.body())).containsKey("password");
            assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
        }

        @Test
        void anIdpInitiatedSignInIsRefusedByDefault() {
            Browser browser = new Browser();
            Page login = browser.get(stack.idp.initiateUrl());
            Page autoPost = browser.submit(login, Map.of("username", "alice", "password", "alice"));

            Page acs = browser.submit(autoPost, Map.of());

            assertThat(acs.status()).isEqualTo(403);
            assertThat(browser.cookie("localhost", "PORTCULLIS")).isNull();
        }

        @Test
        void servesSpMetadataTheIdpCanImport() {
            Page metadata = new Browser().get(stack.url("/sso/metadata"));

            assertThat(metadata.status()).isEqualTo(200);
            assertThat(metadata.body()).contains("entityID=\"" + stack.ssoBase + "/metadata\"")
                    .contains("Location=\"" + stack.ssoBase + "/acs\"");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AtContextLevel {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.CONTEXT, idp -> { }, valve -> { });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void protectsItsOwnWebappWithEndpointsAndCookieUnderTheContextPath() {
            Browser browser = new Browser();

            Page admin = signIn(browser, stack, stack.url("/sample/admin/"), "alice", "alice");

            assertThat(admin.status()).isEqualTo(200);
            assertThat(new Browser().get(stack.url("/sample/sso/metadata")).status()).isEqualTo(200);
            assertThat(browser.get(stack.url("/sample/public/")).status()).isEqualTo(200);
        }

        @Test
        void leavesOtherWebappsAlone() {
            Page other = new Browser().get(stack.url("/second/"));

            assertThat(other.status()).isEqualTo(200);
            assertThat(other.body()).contains("Not signed in");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WhenTheIdpSignsOnlyTheResponse {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.HOST, idp -> idp.signingMode(SigningMode.RESPONSE), valve -> { });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void theDefaultRefusesItBecauseTheAssertionIsUnsigned() {
            Browser browser = new Browser();
            Page autoPost = idpAnswerForAlice(browser, stack);

            assertRefusedAtTheAcs(browser, autoPost);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WhenResponseSignaturesAreAccepted {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            stack = Stack.start(Stack.Level.HOST, idp -> idp.signingMode(SigningMode.RESPONSE),
                    valve -> valve.setProperty("wantAssertionsSigned", "false"));
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void aResponseSignedAsAWholeSignsIn() {
            Page home = signIn(new Browser(), stack, stack.url("/sample/"), "alice", "alice");

            assertThat(home.body()).contains("Signed in as <strong>alice</strong>");
        }
    }

    /**
     * Encrypted assertions through the shaded JAR: the decryption code (Santuario's XMLCipher) must have
     * survived the JAR's trimming. The IdP encrypts for the SP certificate the valve publishes.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WhenEncryptedAssertionsAreRequired {

        private Stack encrypting;
        private Stack plain;

        @BeforeAll
        void start() throws Exception {
            encrypting = Stack.start(Stack.Level.HOST, idp -> idp.encryptAssertions(true),
                    valve -> valve.setProperty("wantAssertionsEncrypted", "true"));
            plain = Stack.start(Stack.Level.HOST, idp -> { }, valve -> valve.setProperty("wantAssertionsEncrypted", "true"));
        }

        @AfterAll
        void stop() throws Exception {
            try {
                encrypting.close();
            } finally {
                plain.close();
            }
        }

        @Test
        void anEncryptedAssertionSignsIn() {
            Browser browser = new Browser();
            Page autoPost = idpAnswerForAlice(browser, encrypting);
            String response = new String(Base64.getMimeDecoder().decode(Browser.formFields(autoPost.body())
                    .get("SAMLResponse")), StandardCharsets.UTF_8);
            assertThat(response).as("the IdP really encrypted").contains("EncryptedAssertion").doesNotContain("alice");

            Page acs = browser.submit(autoPost, Map.of());
            assertThat(acs.status()).as("the ACS accepts the response:%n%s", acs.body()).isEqualTo(303);

            assertThat(browser.follow(acs).body()).contains("Signed in as <strong>alice</strong>");
        }

        @Test
        void aPlainAssertionIsRefused() {
            Browser browser = new Browser();
            Page autoPost = idpAnswerForAlice(browser, plain);

            assertRefusedAtTheAcs(browser, autoPost);
        }
    }

    /**
     * The shipped {@code conf/ehcache.xml} and {@code conf/log4j2.xml}, read by the shaded JAR's Ehcache
     * and Log4j. Both find their extensions by fixed names (ServiceLoader entries, Log4j's plugin list),
     * which shading must carry over correctly: a class trimmed away that a service entry names stops the
     * valve from starting, and a plugin list with the original class names leaves Log4j with no
     * appender at all, so the valve would log nothing.
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithTheShippedConfigurationFiles {

        private Stack stack;

        @BeforeAll
        void start() throws Exception {
            Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
            assertThat(conf.resolve("ehcache.xml")).exists();
            assertThat(conf.resolve("log4j2.xml")).exists();
            stack = Stack.start(Stack.Level.HOST, idp -> { }, valve -> {
                valve.setProperty("ehcacheConfig", conf.resolve("ehcache.xml").toString());
                valve.setProperty("logConfig", conf.resolve("log4j2.xml").toString());
            });
        }

        @AfterAll
        void stop() throws Exception {
            stack.close();
        }

        @Test
        void signsInAndWritesTheAuditLine() throws Exception {
            Page home = signIn(new Browser(), stack, stack.url("/sample/"), "alice", "alice");

            assertThat(home.body()).contains("Signed in as <strong>alice</strong>");
            // conf/log4j2.xml writes to ${catalina.base}/logs, synchronously.
            Path audit = stack.tomcat.getServer().getCatalinaBase().toPath().resolve("logs/portcullis-audit.log");
            assertThat(audit).exists();
            assertThat(Files.readAllLines(audit)).anySatisfy(line ->
                    assertThat(line).startsWith("{\"timestamp\":").contains("login_success").contains("alice"));
        }
    }
}
