package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * The sign-in a person goes through, over HTTP with the test kit's browser, against a real IdP's own
 * pages: app → valve redirect → the IdP's login form → the IdP's auto-post form → the valve's ACS →
 * back to the app. Each hop is asserted, so that a failure names the hop.
 */
final class SignIn {

    private SignIn() {
    }

    /** From a protected page to the IdP's login form. */
    static Page toLoginForm(Browser browser, String startUrl, String idpOrigin) {
        Page toIdp = browser.get(startUrl);
        assertThat(toIdp.status()).as("the valve sends the browser to the IdP:%n%s", toIdp.body()).isEqualTo(302);
        assertThat(toIdp.location()).as("redirect target").startsWith(idpOrigin);
        assertThat(Browser.query(toIdp.location())).as("HTTP-Redirect binding, signed")
                .containsKeys("SAMLRequest", "RelayState", "SigAlg", "Signature");
        Page login = browser.follow(toIdp);
        assertThat(login.status()).as("the IdP shows its login page:%n%s", login.body()).isEqualTo(200);
        assertThat(login.uri().toString()).startsWith(idpOrigin);
        assertThat(HtmlForm.withInput(login, "password")).as("a password form on the IdP's page:%n%s", login.body())
                .isPresent();
        return login;
    }

    /** Types the credentials into the IdP's form and follows the IdP's redirects. */
    static Page enterPassword(Browser browser, Page loginForm, String user, String password) {
        HtmlForm form = HtmlForm.withInput(loginForm, "password").orElseThrow();
        return browser.follow(form.submit(browser, Map.of("username", user, "password", password)));
    }

    /** Posts the IdP's auto-post form to the ACS, as the page's script would; returns the ACS answer. */
    static Page postResponse(Browser browser, Page autoPost, String acsUrl) {
        HtmlForm form = HtmlForm.withInput(autoPost, "SAMLResponse")
                .orElseThrow(() -> new AssertionError("the IdP answered no SAMLResponse form:\n" + autoPost.body()));
        assertThat(form.action()).as("the IdP posts to the valve's ACS").hasToString(acsUrl);
        return form.submit(browser, Map.of());
    }

    /**
     * Whether this browser is signed in at {@code url}: the webapp answers with the user's name, rather
     * than the valve sending the browser to the IdP.
     */
    static boolean isSignedIn(Browser browser, String url, String idpOrigin, String user) {
        Page page = browser.get(url);
        if (page.status() == 302) {
            assertThat(page.location()).as("not signed in: the valve sends the browser to the IdP").startsWith(idpOrigin);
            return false;
        }
        assertThat(page.status()).as("GET %s:%n%s", url, page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as <strong>" + user + "</strong>");
        return true;
    }

    /**
     * The whole sign-in at {@code <sp>/sample/} with the user's own name as password (the test IdPs'
     * users); returns the plain Assertion the IdP issued, for its NameID and SessionIndex.
     */
    static org.w3c.dom.Element signInKeepingAssertion(Browser browser, Sp sp, Idp idp, String user) {
        Page autoPost = enterPassword(browser, toLoginForm(browser, sp.url("/sample/"), idp.origin()), user, user);
        org.w3c.dom.Element assertion = SamlMessages.assertion(SamlMessages.response(autoPost));
        Page acs = postResponse(browser, autoPost, sp.acsUrl());
        assertThat(acs.status()).as("the ACS accepts the response:%n%s", acs.body()).isEqualTo(303);
        assertThat(browser.follow(acs).body()).contains("Signed in as <strong>" + user + "</strong>");
        return assertion;
    }

    /** The whole sign-in from {@code startUrl}; returns the page the user lands on. */
    static Page signIn(Browser browser, String startUrl, String idpOrigin, String acsUrl, String user, String password) {
        Page login = toLoginForm(browser, startUrl, idpOrigin);
        Page autoPost = enterPassword(browser, login, user, password);
        Page acs = postResponse(browser, autoPost, acsUrl);
        assertThat(acs.status()).as("the ACS accepts the response:%n%s", acs.body()).isEqualTo(303);
        assertThat(acs.location()).as("back to where the user was going").isEqualTo(startUrl);
        return browser.follow(acs);
    }
}
