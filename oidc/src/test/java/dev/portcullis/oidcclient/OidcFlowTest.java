package dev.portcullis.oidcclient;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.authenticator.NonLoginAuthenticator;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.portcullis.SsoValve;
import dev.portcullis.oidc.TestTokens;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.web.SamlPrincipal;

/**
 * The whole OpenID Connect flow on a real embedded Tomcat with the valve at Host level and {@code protocol="oidc"},
 * against {@link TestProvider} on a loopback port: sign-in (code flow, PKCE, state, nonce), the principal, roles
 * from {@code realm_access.roles} and a web.xml constraint, the callback's attacks (unknown state, replayed
 * callback, an injected code, a token for another client, an unsigned token), RP-initiated logout and back-channel
 * logout (with a replayed logout token). Each attack runs beside the same flow without the attack.
 */
class OidcFlowTest {

    private TestProvider provider;
    private Tomcat tomcat;
    private Path dir;
    private String base;
    private final Browser browser = new Browser();

    /** The client's key for private_key_jwt (tests whose name says so sign in with it instead of the secret). */
    private static final TestCredentials CLIENT_KEY = TestCredentials.rsa("portcullis-app");

    @BeforeEach
    void start(TestInfo test) throws Exception {
        boolean privateKeyJwt = test.getDisplayName().contains("PrivateKeyJwt");
        provider = new TestProvider();
        dir = Files.createTempDirectory("portcullis-oidc");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        tomcat = new Tomcat();
        tomcat.setBaseDir(dir.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        File docBase = Files.createDirectories(dir.resolve("app")).toFile();
        Context context = tomcat.addContext("/app", docBase.getAbsolutePath());
        Tomcat.addServlet(context, "identity", new IdentityServlet());
        context.addServletMappingDecoded("/", "identity");
        SecurityConstraint constraint = new SecurityConstraint();
        constraint.addAuthRole("admin");
        constraint.setAuthConstraint(true);
        SecurityCollection collection = new SecurityCollection();
        collection.addPatternDecoded("/admin/*");
        constraint.addCollection(collection);
        context.addConstraint(constraint);
        context.addSecurityRole("admin");
        context.getPipeline().addValve(new NonLoginAuthenticator());

        SsoValve valve = new SsoValve();
        valve.setProperty("protocol", "oidc");
        valve.setProperty("externalBaseUrl", base);
        valve.setProperty("oidcIssuer", provider.issuer);
        valve.setProperty("oidcClientId", TestTokens.CLIENT);
        if (privateKeyJwt) {
            CLIENT_KEY.writePem(dir.resolve("sp.key"), dir.resolve("sp.crt"));
            valve.setProperty("oidcClientAuthentication", "private_key_jwt");
            valve.setProperty("spPrivateKey", dir.resolve("sp.key").toString());
            valve.setProperty("spCertificate", dir.resolve("sp.crt").toString());
            provider.clientKey = (java.security.interfaces.RSAPublicKey) CLIENT_KEY.certificate().getPublicKey();
        } else {
            valve.setProperty("oidcClientSecret", TestProvider.SECRET);
        }
        valve.setProperty("roleAttributes", "realm_access.roles");
        valve.setProperty("principalAttribute", "preferred_username");
        valve.setProperty("signInRateLimit", "off");
        valve.setProperty("stepUpPaths", "/app/secure/*");
        valve.setProperty("stepUpAuthnContext", "gold");
        tomcat.getHost().getPipeline().addValve(valve);
        tomcat.start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            provider.close();
        }
    }

    /** Opens a protected page and follows the redirects to the provider and back; returns the callback's answer. */
    private Page signInUpToCallback(String path) {
        Page start = browser.get(base + path);
        assertThat(start.status()).isEqualTo(302);
        assertThat(start.location()).startsWith(provider.issuer + "/authorize?");
        Page atProvider = browser.get(start.location());
        assertThat(atProvider.status()).isEqualTo(302);
        assertThat(atProvider.location()).startsWith(base + "/sso/callback?");
        return browser.get(atProvider.location());
    }

    private String callbackUrl(String path) {
        Page start = browser.get(base + path);
        return browser.get(start.location()).location();
    }

    @Test
    void aUserSignsInWithTheCodeFlowAndGetsPrincipalAndRoles() {
        Page callback = signInUpToCallback("/app/page?x=1");
        assertThat(callback.status()).isEqualTo(303);
        assertThat(callback.location()).isEqualTo(base + "/app/page?x=1");
        Page page = browser.get(callback.location());
        assertThat(page.body()).contains("user=alice", "admin=true", "nameId=f3a1-alice",
                "issuer=" + provider.issuer, "attr.realm_access.roles=[admin, user]");
        assertThat(browser.get(base + "/app/admin/").status()).isEqualTo(200);
        Map<String, String> request = provider.lastAuthorization;
        assertThat(request).containsEntry("code_challenge_method", "S256").containsEntry("scope", "openid profile email")
                .containsEntry("redirect_uri", base + "/sso/callback");
        // The nonce is the state's MAC and the verifier is never sent: nothing about the sign-in was stored for it.
        assertThat(request.get("nonce")).isNotEqualTo(request.get("state"));
    }

    @Test
    void aUserWithoutTheRoleIsRefusedByTheWebappConstraint() {
        provider.idTokenChange = b -> b.claim("realm_access", Map.of("roles", List.of("user")));
        browser.get(signInUpToCallback("/app/").location());
        assertThat(browser.get(base + "/app/admin/").status()).isEqualTo(403);
        assertThat(browser.get(base + "/app/").body()).contains("user=alice", "admin=false");
    }

    @Test
    void aReplayedCallbackIsRefusedEvenWhenTheProviderWouldRedeemTheCodeAgain() {
        provider.codesReusable = true;
        String callback = callbackUrl("/app/");
        assertThat(browser.get(callback).status()).isEqualTo(303);
        int redeemed = provider.tokenRequests.get();
        Browser attacker = new Browser();
        Page replayed = attacker.get(callback);
        assertThat(replayed.status()).isEqualTo(403);
        assertThat(replayed.body()).contains("Sign-in failed").doesNotContain("alice");
        assertThat(provider.tokenRequests.get()).as("a replayed callback is refused before its code is sent")
                .isEqualTo(redeemed);
    }

    @Test
    void aCallbackWithAStateThisValveNeverIssuedIsRefused() {
        String callback = callbackUrl("/app/");
        String state = Browser.query(callback).get("state");
        char changed = state.charAt(10) == 'x' ? 'y' : 'x';
        Page forged = new Browser().get(callback.replace(state, state.substring(0, 10) + changed + state.substring(11)));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(browser.get(callback).status()).isEqualTo(303);
    }

    @Test
    void aCodeInjectedIntoAnotherSignInDoesNotRedeem() {
        // The attacker's own sign-in yields a code; a victim's browser is made to present it with the victim's state.
        Browser attacker = new Browser();
        String attackerCallback = attacker.get(attacker.get(base + "/app/").location()).location();
        String victimCallback = callbackUrl("/app/");
        String injected = victimCallback.replaceFirst("code=[^&]+", "code=" + Browser.query(attackerCallback).get("code"));
        // PKCE: the code was issued for the attacker's challenge; the victim's verifier does not match it.
        assertThat(browser.get(injected).status()).isEqualTo(403);
        // That state is used up (it is spent before any code is sent), so even the victim's own code does not
        // complete this sign-in; a new sign-in of the victim, without the injected code, does.
        assertThat(browser.get(victimCallback).status()).isEqualTo(403);
        assertThat(browser.get(callbackUrl("/app/")).status()).isEqualTo(303);
    }

    @Test
    void anIdTokenForAnotherClientIsRefused() {
        provider.idTokenChange = b -> b.audience("another-client").claim("azp", "another-client");
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(403);
        provider.idTokenChange = b -> b;
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(303);
    }

    @Test
    void anUnsignedIdTokenIsRefused() {
        provider.signer = TestTokens::unsigned;
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(403);
        provider.signer = TestTokens::signEc;
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(303);
    }

    @Test
    void aCallbackFromAnotherIssuerIsRefused() {
        String callback = callbackUrl("/app/");
        Page mixedUp = browser.get(callback.replaceFirst("iss=[^&]+", "iss=" + TestProvider.encode("https://evil.example.org")));
        assertThat(mixedUp.status()).isEqualTo(403);
    }

    @Test
    void logoutEndsTheSessionHereAndAtTheProvider() {
        browser.get(signInUpToCallback("/app/").location());
        Page form = browser.get(base + "/sso/logout");
        Page continuePage = browser.submit(form, Map.of());
        // The page between the local logout and the provider (a bare 302 after the form post would break the
        // confirmation page's form-action 'self' in real browsers), continuing to the end_session_endpoint.
        assertThat(continuePage.status()).isEqualTo(200);
        assertThat(continuePage.body()).contains("You are signed out of every application on this server");
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("id=\"continue\" href=\"([^\"]+)\"")
                .matcher(continuePage.body());
        assertThat(link.find()).as(continuePage.body()).isTrue();
        Page posted = new Page(302, "", Map.of("Location", java.util.List.of(link.group(1).replace("&amp;", "&"))),
                continuePage.uri());
        assertThat(posted.location()).startsWith(provider.issuer + "/logout?id_token_hint=")
                .contains("&client_id=" + TestTokens.CLIENT)
                .contains("post_logout_redirect_uri=" + TestProvider.encode(base + "/sso/signed-out"));
        // The hint is the ID token this session was made from.
        assertThat(Browser.query(posted.location()).get("id_token_hint")).startsWith("eyJ").contains(".");
        Page back = browser.get(browser.get(posted.location()).location());
        assertThat(back.body()).contains("at your identity provider");
        Page again = browser.get(base + "/app/");
        assertThat(again.status()).isEqualTo(302);
        // The same state a second time proves nothing.
        Page replayedState = browser.get(browser.get(posted.location()).location());
        assertThat(replayedState.body()).doesNotContain("at your identity provider");
    }

    @Test
    void backChannelLogoutEndsTheUsersSessionOnceAndRefusesTheReplay() {
        browser.get(signInUpToCallback("/app/").location());
        assertThat(browser.get(base + "/app/").body()).contains("user=alice");
        String token = TestTokens.sign(TestTokens.logoutToken(Instant.now()).issuer(provider.issuer).build());
        Browser providerSide = new Browser();
        String bad = TestTokens.sign(TestTokens.logoutToken(Instant.now()).issuer(provider.issuer).claim("nonce", "n").build());
        Page refused = providerSide.post(base + "/sso/backchannel-logout", Map.of("logout_token", bad));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Cache-Control")).contains("no-store");
        assertThat(browser.get(base + "/app/").body()).contains("user=alice");

        Page ok = providerSide.post(base + "/sso/backchannel-logout", Map.of("logout_token", token));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("Cache-Control")).contains("no-store");
        assertThat(browser.get(base + "/app/").status()).isEqualTo(302);
        assertThat(providerSide.post(base + "/sso/backchannel-logout", Map.of("logout_token", token)).status())
                .isEqualTo(400);
    }

    @Test
    void backChannelLogoutBySidAloneEndsThatProviderSession() {
        browser.get(signInUpToCallback("/app/").location());
        String other = TestTokens.sign(TestTokens.logoutToken(Instant.now()).issuer(provider.issuer).subject(null)
                .claim("sid", "sid-other").build());
        assertThat(new Browser().post(base + "/sso/backchannel-logout", Map.of("logout_token", other)).status()).isEqualTo(200);
        assertThat(browser.get(base + "/app/").body()).contains("user=alice");
        String token = TestTokens.sign(TestTokens.logoutToken(Instant.now()).issuer(provider.issuer).subject(null)
                .jwtID("jti-sid").build());
        assertThat(new Browser().post(base + "/sso/backchannel-logout", Map.of("logout_token", token)).status()).isEqualTo(200);
        assertThat(browser.get(base + "/app/").status()).isEqualTo(302);
    }

    @Test
    void aStepUpPathSendsAcrValuesAndNeedsTheAcrBack() {
        provider.acr = "silver";
        browser.get(signInUpToCallback("/app/").location());
        Page stepUp = browser.get(base + "/app/secure/report");
        assertThat(stepUp.status()).isEqualTo(302);
        assertThat(Browser.query(stepUp.location())).containsEntry("acr_values", "gold");
        // The provider signs the user in again but without the stronger method: refused.
        Page weak = browser.get(browser.get(stepUp.location()).location());
        assertThat(weak.status()).isEqualTo(403);
        assertThat(browser.get(base + "/app/").body()).contains("user=alice");

        provider.acr = "gold";
        Page strong = browser.get(browser.get(browser.get(base + "/app/secure/report").location()).location());
        assertThat(strong.status()).isEqualTo(303);
        assertThat(strong.location()).isEqualTo(base + "/app/secure/report");
        assertThat(browser.get(strong.location()).status()).isEqualTo(200);
    }

    @Test
    void theOperatorEndsAUsersSessionsByPrincipalNameOrSub() throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("dev.portcullis:type=SsoValve,host=127.0.0.1");
        String[] signature = {String.class.getName()};
        browser.get(signInUpToCallback("/app/").location());
        assertThat(jmx.invoke(name, "endSessionsOf", new Object[] {"bob"}, signature)).isEqualTo(0);
        assertThat(browser.get(base + "/app/").body()).contains("user=alice");
        assertThat(jmx.invoke(name, "endSessionsOf", new Object[] {"alice"}, signature)).isEqualTo(1);
        assertThat(browser.get(base + "/app/").status()).isEqualTo(302);

        browser.get(signInUpToCallback("/app/").location());
        assertThat(jmx.invoke(name, "endSessionsOf", new Object[] {"f3a1-alice"}, signature)).isEqualTo(1);
        assertThat(browser.get(base + "/app/").status()).isEqualTo(302);
    }

    @Test
    void withPrivateKeyJwtTheClientAuthenticatesWithTheSpKey() {
        Page callback = signInUpToCallback("/app/");
        assertThat(callback.status()).isEqualTo(303);
        assertThat(browser.get(callback.location()).body()).contains("user=alice");
        // Another key, same client: the provider refuses the assertion, and so the sign-in.
        provider.clientKey = (java.security.interfaces.RSAPublicKey) TestCredentials.rsa("other").certificate().getPublicKey();
        browser.clearCookies();
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(403);
    }

    @Test
    void aWrongClientSecretIsRefusedAtTheTokenEndpoint() {
        provider.expectedSecret = "the-secret-after-rotation-at-the-provider-side";
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(403);
        provider.expectedSecret = TestProvider.SECRET;
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(303);
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        provider.idTokenChange = b -> b.expirationTime(Date.from(Instant.now().minusSeconds(600)));
        assertThat(signInUpToCallback("/app/").status()).isEqualTo(403);
    }

    /** Answers with what the servlet API says about the user. */
    static final class IdentityServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = response.getWriter();
            out.println("user=" + request.getRemoteUser());
            out.println("admin=" + request.isUserInRole("admin"));
            if (request.getUserPrincipal() instanceof SamlPrincipal principal) {
                out.println("nameId=" + principal.getNameId());
                out.println("issuer=" + principal.getIdpEntityId());
                new java.util.TreeMap<>(principal.getAttributes()).forEach((k, v) -> out.println("attr." + k + "=" + v));
            }
        }
    }
}
