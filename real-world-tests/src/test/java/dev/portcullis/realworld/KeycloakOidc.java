package dev.portcullis.realworld;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.openqa.selenium.json.Json;

import dev.portcullis.SsoValve;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;

/**
 * Keycloak 26.7.3 as an OpenID Connect provider: the confidential client {@code portcullis-oidc} of the realm
 * conf/idp/keycloak/portcullis-realm.json (authorization code flow only, PKCE S256 required, realm roles in the
 * ID token's {@code realm_access.roles}, back-channel logout with {@code sid}, acr {@code silver} = level 1
 * and {@code gold} = level 2), pointed at one SP's endpoints, with the sign-in a person goes through.
 *
 * <p>Every Keycloak setup of the SAML suites carries this client, so {@link #forSp} takes the Keycloak already
 * running whatever its SAML settings ({@link Idp#runningAny}) and registers the SP's URLs with the admin API:
 * the OIDC suites cost no Keycloak restart.
 */
final class KeycloakOidc {

    static final String CLIENT_ID = "portcullis-oidc";
    static final String REALM_PATH = "/realms/portcullis";

    private final Idp keycloak;
    private final String spBaseUrl;

    private KeycloakOidc(Idp keycloak, String spBaseUrl) {
        this.keycloak = keycloak;
        this.spBaseUrl = spBaseUrl;
    }

    /** Keycloak with its OIDC client registered for the SP at {@code spBaseUrl} (its externalBaseUrl). */
    static KeycloakOidc forSp(String spBaseUrl) {
        Idp keycloak = Idp.runningAny(Idp.Settings.of(Idp.Kind.KEYCLOAK, RealWorld.spBaseUrl(), SpKeys.shared().certificate()));
        KeycloakAdmin.signIn(keycloak.origin()).pointOidcClientAt(spBaseUrl + "/sso");
        return new KeycloakOidc(keycloak, spBaseUrl);
    }

    Idp idp() {
        return keycloak;
    }

    /** scheme://host:port of Keycloak: its login pages are under it. */
    String origin() {
        return keycloak.origin();
    }

    /** The issuer, as KC_HOSTNAME makes Keycloak publish it in its discovery document. */
    String issuer() {
        return keycloak.origin() + REALM_PATH;
    }

    String authorizationEndpoint() {
        return issuer() + "/protocol/openid-connect/auth";
    }

    String endSessionEndpoint() {
        return issuer() + "/protocol/openid-connect/logout";
    }

    String callbackUrl() {
        return spBaseUrl + "/sso/callback";
    }

    /**
     * The valve settings for this client, as docs/INSTALL.md's Keycloak example has them: issuer, client id and
     * secret, the user name from {@code preferred_username} (Keycloak's {@code sub} is a UUID), roles from
     * {@code realm_access.roles}.
     */
    Consumer<SsoValve> valveSettings() {
        String secret = KeycloakAdmin.oidcClientSecret();
        return valve -> {
            valve.setProperty("oidcIssuer", issuer());
            valve.setProperty("oidcClientId", CLIENT_ID);
            valve.setProperty("oidcClientSecret", secret);
            valve.setProperty("principalAttribute", "preferred_username");
            valve.setProperty("roleAttributes", "realm_access.roles");
        };
    }

    /**
     * From a protected page to Keycloak's login form: the valve's redirect is an authorization request of the
     * code flow with PKCE S256, state and nonce, for this client and the SP's redirect URI.
     */
    Page toLoginForm(Browser browser, String startUrl) {
        Page toProvider = browser.get(startUrl);
        assertThat(toProvider.status()).as("the valve sends the browser to Keycloak:%n%s", toProvider.body()).isEqualTo(302);
        assertAuthorizationRequest(toProvider.location());
        Page login = browser.follow(toProvider);
        assertThat(login.status()).as("Keycloak shows its login page:%n%s", login.body()).isEqualTo(200);
        assertThat(login.uri().toString()).startsWith(origin());
        assertThat(HtmlForm.withInput(login, "password")).as("a password form on Keycloak's page:%n%s", login.body()).isPresent();
        return login;
    }

    /** The query of an authorization request the valve sent, checked as OIDC Core 1.0 3.1.2.1 and RFC 7636 4.3 want it. */
    Map<String, String> assertAuthorizationRequest(String location) {
        assertThat(location).as("Keycloak's authorization endpoint, from its discovery document").startsWith(authorizationEndpoint() + "?");
        Map<String, String> query = Browser.query(location);
        assertThat(query).containsEntry("response_type", "code").containsEntry("client_id", CLIENT_ID)
                .containsEntry("redirect_uri", callbackUrl()).containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "nonce", "code_challenge");
        assertThat(List.of(query.get("scope").split(" "))).contains("openid");
        assertThat(query.get("code_challenge")).as("a SHA-256 in base64url: 43 characters").matches("[A-Za-z0-9_-]{43}");
        return query;
    }

    /**
     * Types the credentials into Keycloak's form; returns Keycloak's answer unfollowed: the redirect to the
     * SP's callback with the code, or Keycloak's page again.
     */
    static Page enterPassword(Browser browser, Page loginForm, String user, String password) {
        HtmlForm form = HtmlForm.withInput(loginForm, "password").orElseThrow();
        return form.submit(browser, Map.of("username", user, "password", password));
    }

    /** Keycloak's redirect to the callback (asserted), followed once: the valve's answer to the callback. */
    Page callback(Browser browser, Page toCallback) {
        assertThat(toCallback.status()).as("Keycloak sends the browser back:%n%s", toCallback.body()).isEqualTo(302);
        assertThat(toCallback.location()).as("to the redirect URI, with a code").startsWith(callbackUrl() + "?")
                .contains("code=").contains("state=");
        return browser.get(toCallback.location());
    }

    /** The whole sign-in from {@code startUrl}, with the user's own name as password; returns the page reached. */
    Page signIn(Browser browser, String startUrl, String user) {
        Page atCallback = callback(browser, enterPassword(browser, toLoginForm(browser, startUrl), user, user));
        assertThat(atCallback.status() / 100).as("the valve accepts the callback:%n%s", atCallback.body()).isEqualTo(3);
        assertThat(atCallback.location()).as("back to where the user was going").isEqualTo(startUrl);
        return browser.follow(atCallback);
    }

    /**
     * Whether this browser is signed in at {@code url}: the webapp answers with the user's name, rather than the
     * valve sending the browser to Keycloak.
     */
    boolean isSignedIn(Browser browser, String url, String user) {
        Page page = browser.get(url);
        if (page.status() == 302) {
            assertThat(page.location()).as("not signed in: the valve sends the browser to Keycloak").startsWith(authorizationEndpoint());
            return false;
        }
        assertThat(page.status()).as("GET %s:%n%s", url, page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in as <strong>" + user + "</strong>");
        return true;
    }

    /**
     * The valve's 403 page for a refused sign-in, asserted, and the reference (correlation id) it shows; the
     * returned reference names the lines of portcullis.log about this refusal.
     */
    static String refusalReference(Page refused) {
        assertThat(refused.status()).as("the valve refuses:%n%s", refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("Sign-in failed");
        java.util.regex.Matcher reference = java.util.regex.Pattern.compile("<code>([^<]+)</code>").matcher(refused.body());
        assertThat(reference.find()).as("a reference on the 403 page:%n%s", refused.body()).isTrue();
        return reference.group(1);
    }

    /** The lines of {@code log} that name {@code reference}, joined. */
    static String linesWith(String log, String reference) {
        return log.lines().filter(line -> line.contains(reference)).collect(java.util.stream.Collectors.joining("\n"));
    }

    /**
     * The valve's answer to the posted sign-out form: the page saying that the sessions here have ended, whose
     * "Continue" link (followed by its script in a real browser) goes to the provider's end-session endpoint.
     * Returns that link.
     */
    static String continueToProvider(Page posted) {
        assertThat(posted.status()).as("the page between the local logout and the provider:%n%s", posted.body()).isEqualTo(200);
        assertThat(posted.body()).contains("You are signed out of every application on this server");
        java.util.regex.Matcher link = java.util.regex.Pattern.compile("id=\"continue\" href=\"([^\"]+)\"").matcher(posted.body());
        assertThat(link.find()).as("a Continue link:%n%s", posted.body()).isTrue();
        return link.group(1).replace("&amp;", "&");
    }

    /** The claims of a JWT (not verified: the test reads what Keycloak sent, the valve verifies). */
    static Map<String, Object> claims(String jwt) {
        String[] parts = jwt.split("\\.");
        assertThat(parts).as("a signed JWT: header.payload.signature").hasSize(3);
        return new Json().toType(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8), Json.MAP_TYPE);
    }

    /** The roles of /sample/api/whoami ({"user":...,"roles":[...]}). */
    @SuppressWarnings("unchecked")
    static List<String> whoamiRoles(Browser browser, Sp sp, String user) {
        Map<String, Object> whoami = new Json().toType(browser.get(sp.url("/sample/api/whoami")).body(), Json.MAP_TYPE);
        assertThat(whoami).containsEntry("user", user);
        return (List<String>) whoami.get("roles");
    }
}
