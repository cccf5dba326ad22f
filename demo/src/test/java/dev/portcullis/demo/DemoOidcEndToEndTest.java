package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.portcullis.testing.Forms;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * {@code scripts/demo.sh --oidc} as a person uses it, over real HTTP: the sample webapp behind the
 * Portcullis valve with {@code protocol="oidc"} and the oidc add-on on the class path, signing in at
 * the development OIDC provider (authorization code flow, PKCE, state, nonce). Each hop is asserted, so
 * that a failure names the hop. Uses the installed valve and add-on as they are; a failure here may be
 * theirs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoOidcEndToEndTest {

    private RunningDemo demo;
    private String sample;

    @BeforeAll
    void start(@TempDir Path workDir) throws IOException {
        demo = RunningDemo.start(new DemoOptions(freePort(), freePort(), workDir,
                Path.of(System.getProperty("portcullis.sampleWar")), true));
        sample = demo.baseUrl() + "/sample";
    }

    @AfterAll
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aliceSignsInAtTheProviderAndTheSampleSeesHerRolesAndClaims() {
        Browser browser = new Browser();

        signIn(browser, "/", "alice", "alice");

        Page home = browser.get(sample + "/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <strong>alice</strong>")
                .contains("<tr><td>admin</td><td>yes</td></tr>").contains("alice@example.com");
        assertThat(browser.get(sample + "/admin/").status()).isEqualTo(200);
        assertThat(Forms.xhr(browser, sample + "/api/whoami").body()).isEqualTo("{\"user\":\"alice\",\"roles\":[\"user\",\"admin\"]}");
    }

    @Test
    void bobIsSignedInButTheContainerForbidsHimTheAdminArea() {
        Browser browser = new Browser();

        Page landing = signIn(browser, "/admin/", "bob", "bob");

        assertThat(landing.status()).isEqualTo(403);
        assertThat(browser.get(sample + "/").body()).contains("Signed in as <strong>bob</strong>")
                .contains("<tr><td>admin</td><td>no</td></tr>");
        assertThat(Forms.xhr(browser, sample + "/api/whoami").body()).isEqualTo("{\"user\":\"bob\",\"roles\":[\"user\"]}");
    }

    @Test
    void theSamplesSignOutLinkEndsTheSessionHereAndAtTheProvider() {
        Browser browser = new Browser();
        signIn(browser, "/", "alice", "alice");
        String signOut = Forms.href(browser.get(sample + "/").body(), "sign-out");
        assertThat(signOut).isEqualTo("/sso/logout");

        Page form = browser.get(demo.baseUrl() + signOut);
        Page step = form.body().contains("<form") ? Forms.submit(browser, form, Map.of()) : form;
        // The valve's way to the provider's end_session endpoint (a redirect or a continue link), then back.
        // The id_token_hint names this browser's session there, so the provider ends it without asking.
        for (int hop = 0; hop < 6 && !step.uri().getPath().endsWith("/sso/signed-out"); hop++) {
            assertThat(step.body()).as("the provider does not ask to confirm").doesNotContain("Sign out?");
            String next = step.location() != null ? step.location() : Forms.href(step.body(), "continue");
            assertThat(next).as("hop %s of the sign-out:%n%s", hop, step.body()).isNotNull();
            if (step.uri().toString().startsWith(demo.baseUrl()) && next.contains("/end_session")) {
                assertThat(next).startsWith(demo.oidcProvider().endSessionEndpoint() + "?").contains("id_token_hint=")
                        .contains("post_logout_redirect_uri=" + URLEncoder.encode(demo.baseUrl() + "/sso/signed-out",
                                StandardCharsets.UTF_8));
            }
            step = browser.get(step.uri().resolve(next).toString());
        }

        assertThat(step.uri().getPath()).isEqualTo("/sso/signed-out");
        Page again = browser.follow(browser.get(sample + "/"));
        assertThat(again.uri().toString()).startsWith(demo.oidcProvider().issuer());
        assertThat(again.body()).as("signing in again asks for the password").contains("name=\"password\"");
    }

    @Test
    void signOutEverywhereAtTheProviderEndsTheSessionThroughTheBackChannel() {
        Browser browser = new Browser();
        signIn(browser, "/", "bob", "bob");
        assertThat(browser.get(sample + "/").status()).isEqualTo(200);

        assertThat(demo.oidcProvider().signOutEverywhere("bob")).as("the valve accepts the logout token").containsExactly(200);

        Page after = browser.get(sample + "/");
        assertThat(after.status()).isEqualTo(302);
        assertThat(after.location()).startsWith(demo.oidcProvider().authorizationEndpoint() + "?");
    }

    @Test
    void publicPageNeedsNoSignInAndScriptCallsGet401() {
        Browser browser = new Browser();

        assertThat(browser.get(sample + "/public/").status()).isEqualTo(200);
        assertThat(Forms.xhr(browser, sample + "/api/whoami").status()).isEqualTo(401);
        Page home = browser.get(sample + "/");
        assertThat(home.status()).isEqualTo(302);
        assertThat(home.location()).startsWith(demo.oidcProvider().authorizationEndpoint() + "?");
    }

    /**
     * Opens a page of the sample, follows the valve to the provider, signs in and follows the code back
     * to the valve's callback; returns the page the valve finally lands on.
     */
    private Page signIn(Browser browser, String path, String username, String password) {
        Page toProvider = browser.get(sample + path);
        assertThat(toProvider.status()).as("valve sends the browser to the provider").isEqualTo(302);
        Map<String, String> request = Browser.query(toProvider.location());
        assertThat(toProvider.location()).startsWith(demo.oidcProvider().authorizationEndpoint() + "?");
        assertThat(request).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "nonce", "code_challenge").containsEntry("redirect_uri", demo.baseUrl() + "/sso/callback");

        Page login = browser.follow(toProvider);
        assertThat(login.status()).as("provider accepts the authorization request:\n%s", login.body()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"password\"");

        Page toCallback = Forms.submit(browser, login, Map.of("username", username, "password", password));
        assertThat(toCallback.location()).as("provider answers:\n%s", toCallback.body())
                .startsWith(demo.baseUrl() + "/sso/callback?code=");

        Page callback = browser.get(toCallback.location());
        assertThat(callback.status()).as("the callback accepts the code:\n%s", callback.body()).isBetween(300, 399);
        assertThat(callback.location()).isEqualTo(sample + path);

        return browser.follow(callback);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
