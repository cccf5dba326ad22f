package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
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
 * The demo as a person uses it, over real HTTP: the sample webapp behind the Portcullis valve in
 * Tomcat's Host, signing in at the development IdP with signed AuthnRequests. Each hop of the SAML
 * round trip is asserted, so that a failure names the hop. Uses the installed valve as it is; a
 * failure here may be the valve's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoEndToEndTest {

    private RunningDemo demo;
    private String sample;

    @BeforeAll
    void start(@TempDir Path workDir) throws IOException {
        int port = freePort();
        int idpPort = freePort();
        demo = RunningDemo.start(new DemoOptions(port, idpPort, workDir,
                Path.of(System.getProperty("portcullis.sampleWar"))));
        sample = demo.baseUrl() + "/sample";
    }

    @AfterAll
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aliceSignsInAtTheIdpAndTheSampleSeesHerRolesAndAttributes() {
        Browser browser = new Browser();

        signIn(browser, "/", "alice", "alice");

        Page home = browser.get(sample + "/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("Signed in as <strong>alice</strong>").contains("Authentication type: SAML")
                .contains("<tr><td>admin</td><td>yes</td></tr>").contains("alice@example.com").contains("Alice Example");
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
    void aliceSignsOutWithTheSamplesLinkAndIsSignedOutAtTheIdpToo() {
        Browser browser = new Browser();
        signIn(browser, "/", "alice", "alice");
        Page home = browser.get(sample + "/");
        String signOut = Forms.href(home.body(), "sign-out");
        assertThat(signOut).isEqualTo("/sso/logout");

        Page form = browser.get(home.uri().resolve(signOut).toString());
        Page signingOut = Forms.submit(browser, form, Map.of());
        String toIdp = Forms.href(signingOut.body(), "continue");
        assertThat(toIdp).as("the valve's LogoutRequest goes to the IdP:%n%s", signingOut.body())
                .startsWith(demo.idp().sloUrl() + "?SAMLRequest=");
        Page idpAnswer = browser.get(toIdp);
        assertThat(idpAnswer.location()).as("the IdP answers:%n%s", idpAnswer.body()).startsWith(demo.baseUrl() + "/sso/slo?");
        Page landing = browser.get(idpAnswer.location());

        assertThat(landing.location()).isEqualTo(demo.baseUrl() + "/sso/signed-out?status=complete");
        assertThat(browser.get(landing.location()).body()).contains("and at your identity provider");
        Page again = browser.follow(browser.get(sample + "/"));
        assertThat(again.uri().toString()).startsWith(demo.idp().baseUrl());
        assertThat(again.body()).as("signing in again asks for the password").contains("name=\"password\"");
    }

    @Test
    void publicPageNeedsNoSignInWhileTheHomePageDoes() {
        Browser browser = new Browser();

        Page publicPage = browser.get(sample + "/public/");
        Page home = browser.get(sample + "/");

        assertThat(publicPage.status()).isEqualTo(200);
        assertThat(publicPage.body()).contains("No user is known");
        assertThat(home.status()).isEqualTo(302);
        assertThat(home.location()).startsWith(demo.idp().ssoUrl() + "?SAMLRequest=");
    }

    @Test
    void scriptCallsGet401InsteadOfARedirectToTheIdp() {
        Page whoami = Forms.xhr(new Browser(), sample + "/api/whoami");

        assertThat(whoami.status()).isEqualTo(401);
    }

    @Test
    void unsolicitedResponseIsRefusedByDefault() {
        Browser browser = new Browser();
        Page login = browser.get(demo.idp().initiateUrl());
        Page autoPost = Forms.submit(browser, login, Map.of("username", "alice", "password", "alice"));

        Page acs = Forms.submit(browser, autoPost, Map.of());

        assertThat(acs.status()).isBetween(400, 499);
        assertThat(browser.get(sample + "/").status()).as("still not signed in").isEqualTo(302);
    }

    /**
     * Opens a page of the sample, follows the valve to the IdP, signs in and posts the Response back;
     * returns the page the valve finally lands on.
     */
    private Page signIn(Browser browser, String path, String username, String password) {
        Page toIdp = browser.get(sample + path);
        assertThat(toIdp.status()).as("valve sends the browser to the IdP").isEqualTo(302);

        Page login = browser.follow(toIdp);
        assertThat(login.status()).as("IdP accepts the signed AuthnRequest:\n%s", login.body()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"password\"");

        Page autoPost = Forms.submit(browser, login, Map.of("username", username, "password", password));
        assertThat(Browser.formAction(autoPost.body())).isEqualTo(demo.baseUrl() + "/sso/acs");

        Page acs = Forms.submit(browser, autoPost, Map.of());
        assertThat(acs.status()).as("ACS accepts the Response:\n%s", acs.body()).isBetween(300, 399);
        assertThat(acs.location()).isEqualTo(sample + path);

        return browser.follow(acs);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
