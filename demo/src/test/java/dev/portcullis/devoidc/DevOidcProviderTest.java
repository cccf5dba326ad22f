package dev.portcullis.devoidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.portcullis.testing.Forms;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.Browser.Page;
import dev.portcullis.testkit.TestClock;

/**
 * The development OIDC provider's own rules, from both sides, over real HTTP with a client written out
 * here step by step (no OIDC library on the client side, so that the provider cannot pass by sharing a
 * library's mistakes): every refusal beside the same request without the fault, accepted. Tokens are
 * verified with Nimbus against the key the JWKS endpoint publishes. A back-channel logout receiver on
 * loopback records what the provider posts.
 */
class DevOidcProviderTest {

    private static final String CLIENT_ID = "portcullis-demo";
    private static final String SECRET = "demo-secret";
    private static final String REDIRECT_URI = "http://localhost:1/sso/callback";
    private static final String POST_LOGOUT_URI = "http://localhost:1/sso/signed-out";

    private final TestClock clock = new TestClock(Instant.now());
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final LinkedBlockingQueue<String> logoutTokens = new LinkedBlockingQueue<>();
    private HttpServer receiver;
    private DevOidcProvider provider;

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/sso/backchannel-logout", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                String form = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                logoutTokens.add(exchange.getRequestHeaders().getFirst("Content-Type") + "|" + form);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        provider = DevOidcProvider.start(DevOidcConfig.builder()
                .client(CLIENT_ID, SECRET, REDIRECT_URI)
                .postLogoutRedirectUri(POST_LOGOUT_URI)
                .backchannelLogoutUri("http://127.0.0.1:" + receiver.getAddress().getPort() + "/sso/backchannel-logout")
                .clock(clock)
                .build());
    }

    @AfterEach
    void stop() {
        provider.close();
        receiver.stop(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void discoveryNamesTheIssuerExactlyAndEveryEndpoint() throws Exception {
        Map<String, Object> discovery = JSONObjectUtils.parse(new Browser().get(provider.discoveryUrl()).body());

        assertThat(discovery.get("issuer")).isEqualTo(provider.issuer());
        assertThat(discovery).containsEntry("authorization_endpoint", provider.authorizationEndpoint())
                .containsEntry("token_endpoint", provider.tokenEndpoint())
                .containsEntry("jwks_uri", provider.jwksUri())
                .containsEntry("end_session_endpoint", provider.endSessionEndpoint())
                .containsEntry("backchannel_logout_supported", true);
        assertThat((List<Object>) discovery.get("code_challenge_methods_supported")).containsExactly("S256");
        assertThat((List<Object>) discovery.get("id_token_signing_alg_values_supported")).containsExactly("RS256");
        assertThat((List<Object>) discovery.get("token_endpoint_auth_methods_supported"))
                .containsExactly("client_secret_basic", "client_secret_post");
    }

    @Test
    void aliceSignsInAndTheIdTokenCarriesEveryClaimSignedWithTheKeyOfTheJwks() throws Exception {
        Flow flow = new Flow();
        Instant before = clock.instant();

        String code = flow.signIn("alice", "alice");
        HttpResponse<String> answer = tokenRequestBasic(code, REDIRECT_URI, flow.verifier, CLIENT_ID, SECRET);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, Object> tokens = JSONObjectUtils.parse(answer.body());
        assertThat(tokens).containsEntry("token_type", "Bearer");
        SignedJWT idToken = verified((String) tokens.get("id_token"));
        JWTClaimsSet claims = idToken.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(provider.issuer());
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getAudience()).containsExactly(CLIENT_ID);
        assertThat(claims.getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaim("roles")).containsExactly("user", "admin");
        assertThat(claims.getStringClaim("acr")).isEqualTo(DevOidcConfig.DEFAULT_ACR);
        assertThat(claims.getStringClaim("sid")).isNotBlank();
        assertThat(claims.getLongClaim("auth_time")).isBetween(before.getEpochSecond(), clock.instant().getEpochSecond());
        assertThat(claims.getIssueTime().toInstant().getEpochSecond()).isEqualTo(clock.instant().getEpochSecond());
        assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());

        HttpResponse<String> userInfo = http.send(HttpRequest.newBuilder(URI.create(provider.issuer() + "/userinfo"))
                .header("Authorization", "Bearer " + tokens.get("access_token")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(userInfo.statusCode()).isEqualTo(200);
        assertThat(JSONObjectUtils.parse(userInfo.body())).containsEntry("sub", "alice").containsEntry("email", "alice@example.com");
    }

    @Test
    void aSecondSignInFromTheSameBrowserIsAnsweredFromTheSessionWithTheSameSid() throws Exception {
        Flow first = new Flow();
        String sid1 = sid(first.exchange(first.signIn("bob", "bob")));
        Flow second = new Flow(first.browser);

        Page answer = second.browser.get(second.authorizeUrl(Map.of()));

        assertThat(answer.status()).isEqualTo(302);
        String code = second.codeFrom(answer);
        assertThat(sid(second.exchange(code))).isEqualTo(sid1);
        // prompt=login asks for the password again although the session is live.
        assertThat(new Flow(first.browser).start(Map.of("prompt", "login")).body()).contains("name=\"password\"");
    }

    @Test
    void aWrongPasswordShowsTheFormAgainAndTheRightOneThenSignsIn() throws Exception {
        Flow flow = new Flow();
        Page form = flow.start(Map.of());

        Page again = Forms.submit(flow.browser, form, Map.of("username", "alice", "password", "bob"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).contains(OidcPages.INVALID_CREDENTIALS);

        Page accepted = Forms.submit(flow.browser, again, Map.of("username", "alice", "password", "alice"));
        assertThat(flow.exchange(flow.codeFrom(accepted)).statusCode()).isEqualTo(200);
    }

    @Test
    void aRedirectUriThatIsNotExactlyTheRegisteredOneIsRefusedOnTheProvidersPageNeverRedirected() {
        for (String wrong : List.of(REDIRECT_URI + "/", REDIRECT_URI + "?x=1", "http://localhost:1/sso/callbackx",
                "http://evil.example/sso/callback", "HTTP://localhost:1/sso/callback")) {
            Page refused = new Flow().start(Map.of("redirect_uri", wrong));
            assertThat(refused.status()).as(wrong).isEqualTo(400);
            assertThat(refused.location()).as(wrong).isNull();
            assertThat(refused.body()).contains(OidcRejection.WRONG_REDIRECT_URI.publicMessage());
        }
        assertThat(new Flow().start(Map.of("redirect_uri", REDIRECT_URI)).body()).contains("name=\"password\"");
    }

    @Test
    void anUnknownClientOrARepeatedParameterIsRefusedOnThePage() {
        Page unknown = new Flow().start(Map.of("client_id", "someone-else"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).contains(OidcRejection.UNKNOWN_CLIENT.publicMessage());

        Flow flow = new Flow();
        Page repeated = flow.browser.get(flow.authorizeUrl(Map.of()) + "&redirect_uri="
                + URLEncoder.encode("http://evil.example/cb", StandardCharsets.UTF_8));
        assertThat(repeated.status()).isEqualTo(400);
        assertThat(repeated.location()).isNull();
        assertThat(repeated.body()).contains(OidcRejection.REPEATED_PARAMETER.publicMessage());
    }

    @Test
    void withoutPkceS256TheRequestGoesBackToTheClientWithAnErrorAndItsState() {
        Map<String, String> noChallenge = new LinkedHashMap<>();
        noChallenge.put("code_challenge", null);
        noChallenge.put("code_challenge_method", null);
        Map<String, String> noMethod = new LinkedHashMap<>();
        noMethod.put("code_challenge_method", null);
        Map<String, String> plain = Map.of("code_challenge_method", "plain");
        for (Map<String, String> fault : List.of(noChallenge, noMethod, plain, Map.of("code_challenge", "short"))) {
            Flow flow = new Flow();
            Page refused = flow.start(fault);
            assertThat(refused.status()).as(fault.toString()).isEqualTo(302);
            Map<String, String> query = Browser.query(refused.location());
            assertThat(refused.location()).startsWith(REDIRECT_URI + "?");
            assertThat(query).containsEntry("error", "invalid_request").containsEntry("state", flow.state).doesNotContainKey("code");
        }
    }

    @Test
    void otherFaultsOfTheRequestGoBackToTheClientWithTheirOwnErrors() {
        assertThat(Browser.query(new Flow().start(Map.of("response_type", "token")).location()))
                .containsEntry("error", "unsupported_response_type");
        assertThat(Browser.query(new Flow().start(Map.of("scope", "profile email")).location()))
                .containsEntry("error", "invalid_scope");
        assertThat(Browser.query(new Flow().start(Map.of("request", "eyJ")).location()))
                .containsEntry("error", "request_not_supported");
        assertThat(Browser.query(new Flow().start(Map.of("prompt", "none")).location()))
                .containsEntry("error", "login_required");
    }

    @Test
    void aCodeIsUsableOnceAndItsReplayRevokesTheAccessTokenTheFirstUseGave() throws Exception {
        Flow flow = new Flow();
        String code = flow.signIn("alice", "alice");
        HttpResponse<String> first = tokenRequestBasic(code, REDIRECT_URI, flow.verifier, CLIENT_ID, SECRET);
        assertThat(first.statusCode()).isEqualTo(200);
        String accessToken = (String) JSONObjectUtils.parse(first.body()).get("access_token");
        assertThat(userInfoStatus(accessToken)).isEqualTo(200);

        HttpResponse<String> replay = tokenRequestBasic(code, REDIRECT_URI, flow.verifier, CLIENT_ID, SECRET);

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(replay.body())).containsEntry("error", "invalid_grant");
        assertThat(userInfoStatus(accessToken)).isEqualTo(401);
    }

    @Test
    void aWrongCodeVerifierIsRefusedAndSpendsTheCode() throws Exception {
        Flow flow = new Flow();
        String code = flow.signIn("alice", "alice");

        HttpResponse<String> refused = tokenRequestBasic(code, REDIRECT_URI, new Flow().verifier, CLIENT_ID, SECRET);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(refused.body())).containsEntry("error", "invalid_grant");
        assertThat(tokenRequestBasic(code, REDIRECT_URI, flow.verifier, CLIENT_ID, SECRET).statusCode()).isEqualTo(400);
        Flow fresh = new Flow();
        assertThat(tokenRequestBasic(fresh.signIn("alice", "alice"), REDIRECT_URI, fresh.verifier, CLIENT_ID, SECRET)
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenRequestWithoutTheVerifierOrWithAnotherRedirectUriIsRefused() throws Exception {
        Flow flow = new Flow();
        HttpResponse<String> noVerifier = tokenRequest(Map.of("grant_type", "authorization_code",
                "code", flow.signIn("alice", "alice"), "redirect_uri", REDIRECT_URI), basic(CLIENT_ID, SECRET));
        assertThat(noVerifier.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(noVerifier.body())).containsEntry("error", "invalid_request");

        Flow other = new Flow();
        HttpResponse<String> otherRedirect = tokenRequestBasic(other.signIn("alice", "alice"), "http://localhost:1/other",
                other.verifier, CLIENT_ID, SECRET);
        assertThat(otherRedirect.statusCode()).isEqualTo(400);
        assertThat(JSONObjectUtils.parse(otherRedirect.body())).containsEntry("error", "invalid_grant");
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        Flow late = new Flow();
        String code = late.signIn("alice", "alice");
        clock.advance(DevOidcConfig.DEFAULT_CODE_LIFETIME);

        assertThat(tokenRequestBasic(code, REDIRECT_URI, late.verifier, CLIENT_ID, SECRET).statusCode()).isEqualTo(400);

        Flow inTime = new Flow();
        String fresh = inTime.signIn("alice", "alice");
        clock.advance(DevOidcConfig.DEFAULT_CODE_LIFETIME.minusSeconds(1));
        assertThat(tokenRequestBasic(fresh, REDIRECT_URI, inTime.verifier, CLIENT_ID, SECRET).statusCode()).isEqualTo(200);
    }

    @Test
    void clientAuthenticationAcceptsBasicOrPostButNotAWrongSecretNorBothAtOnce() throws Exception {
        Flow wrongBasic = new Flow();
        HttpResponse<String> refused = tokenRequestBasic(wrongBasic.signIn("alice", "alice"), REDIRECT_URI,
                wrongBasic.verifier, CLIENT_ID, "not-the-secret");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(JSONObjectUtils.parse(refused.body())).containsEntry("error", "invalid_client");

        Flow wrongPost = new Flow();
        assertThat(tokenRequest(wrongPost.tokenFields(wrongPost.signIn("alice", "alice"), Map.of("client_id", CLIENT_ID,
                "client_secret", SECRET + "x")), null).statusCode()).isEqualTo(401);

        Flow both = new Flow();
        HttpResponse<String> twice = tokenRequest(both.tokenFields(both.signIn("alice", "alice"), Map.of("client_id", CLIENT_ID,
                "client_secret", SECRET)), basic(CLIENT_ID, SECRET));
        assertThat(twice.statusCode()).isEqualTo(400);

        Flow post = new Flow();
        assertThat(tokenRequest(post.tokenFields(post.signIn("alice", "alice"), Map.of("client_id", CLIENT_ID,
                "client_secret", SECRET)), null).statusCode()).isEqualTo(200);
    }

    @Test
    void endSessionRedirectsOnlyToTheRegisteredPostLogoutUriAndEndsTheSession() throws Exception {
        Flow flow = new Flow();
        String idToken = (String) JSONObjectUtils.parse(flow.exchange(flow.signIn("alice", "alice")).body()).get("id_token");

        Page wrong = flow.browser.get(provider.endSessionEndpoint() + "?id_token_hint=" + idToken
                + "&post_logout_redirect_uri=" + enc("http://evil.example/") + "&state=s1");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.location()).isNull();
        Page noClient = flow.browser.get(provider.endSessionEndpoint() + "?post_logout_redirect_uri=" + enc(POST_LOGOUT_URI));
        assertThat(noClient.status()).isEqualTo(400);
        Page forged = flow.browser.get(provider.endSessionEndpoint() + "?id_token_hint=" + idToken.substring(0, idToken.length() - 4)
                + "AAAA&post_logout_redirect_uri=" + enc(POST_LOGOUT_URI));
        assertThat(forged.status()).isEqualTo(400);
        assertThat(flow.browser.get(new Flow(flow.browser).authorizeUrl(Map.of())).status()).as("still signed in").isEqualTo(302);

        Page right = flow.browser.get(provider.endSessionEndpoint() + "?id_token_hint=" + idToken
                + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_URI) + "&state=s1");

        assertThat(right.status()).isEqualTo(302);
        assertThat(right.location()).isEqualTo(POST_LOGOUT_URI + "?state=s1");
        assertThat(new Flow(flow.browser).start(Map.of()).body()).as("signed out").contains("name=\"password\"");
    }

    @Test
    void endSessionWithoutAHintAsksTheUserFirst() {
        Flow flow = new Flow();
        flow.signIn("bob", "bob");

        Page question = flow.browser.get(provider.endSessionEndpoint() + "?client_id=" + CLIENT_ID
                + "&post_logout_redirect_uri=" + enc(POST_LOGOUT_URI));
        assertThat(question.status()).isEqualTo(200);
        assertThat(question.body()).contains("Sign out?");
        assertThat(flow.browser.get(new Flow(flow.browser).authorizeUrl(Map.of())).status()).as("still signed in").isEqualTo(302);

        Page confirmed = Forms.submit(flow.browser, question, Map.of());
        assertThat(confirmed.location()).isEqualTo(POST_LOGOUT_URI);
        assertThat(new Flow(flow.browser).start(Map.of()).status()).isEqualTo(200);
    }

    @Test
    void signOutEverywherePostsASignedLogoutTokenNamingTheSessionToTheRegisteredUri() throws Exception {
        Flow flow = new Flow();
        String sid = sid(flow.exchange(flow.signIn("alice", "alice")));

        Page page = flow.browser.post(provider.issuer() + "/signout-everywhere", Map.of("user", "alice"));

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("HTTP 200, accepted");
        String received = logoutTokens.poll(5, TimeUnit.SECONDS);
        assertThat(received).startsWith("application/x-www-form-urlencoded|logout_token=");
        SignedJWT token = verified(URLDecoder.decode(received.substring(received.indexOf('=') + 1), StandardCharsets.UTF_8));
        assertThat(token.getHeader().getType().getType()).isEqualTo("logout+jwt");
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(provider.issuer());
        assertThat(claims.getAudience()).containsExactly(CLIENT_ID);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaim("sid")).isEqualTo(sid);
        assertThat(claims.getJSONObjectClaim("events")).containsKey(TokenSigner.BACKCHANNEL_LOGOUT_EVENT);
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getClaim("nonce")).isNull();
        assertThat(new Flow(flow.browser).start(Map.of()).body()).as("signed out at the provider").contains("name=\"password\"");

        // Nobody signed in: one token naming the sub only.
        assertThat(provider.signOutEverywhere("bob")).containsExactly(200);
        JWTClaimsSet bob = verified(URLDecoder.decode(logoutTokens.poll(5, TimeUnit.SECONDS).split("=", 2)[1],
                StandardCharsets.UTF_8)).getJWTClaimsSet();
        assertThat(bob.getSubject()).isEqualTo("bob");
        assertThat(bob.getClaim("sid")).isNull();
    }

    // ---- the client, written out ----

    /** One sign-in of the client: its PKCE verifier, state and nonce, and a browser. */
    private final class Flow {
        final Browser browser;
        final String verifier = random();
        final String state = random();
        final String nonce = random();

        Flow() {
            this(new Browser());
        }

        Flow(Browser browser) {
            this.browser = browser;
        }

        /** The authorization URL, with some parameters replaced (null removes one). */
        String authorizeUrl(Map<String, String> overrides) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("response_type", "code");
            parameters.put("client_id", CLIENT_ID);
            parameters.put("redirect_uri", REDIRECT_URI);
            parameters.put("scope", "openid profile email");
            parameters.put("state", state);
            parameters.put("nonce", nonce);
            parameters.put("code_challenge", challenge(verifier));
            parameters.put("code_challenge_method", "S256");
            parameters.putAll(overrides);
            StringJoiner query = new StringJoiner("&");
            parameters.forEach((name, value) -> {
                if (value != null) {
                    query.add(name + "=" + enc(value));
                }
            });
            return provider.authorizationEndpoint() + "?" + query;
        }

        Page start(Map<String, String> overrides) {
            return browser.get(authorizeUrl(overrides));
        }

        /** The whole front channel: the login form, then the code from the redirect. */
        String signIn(String username, String password) {
            Page form = start(Map.of());
            assertThat(form.status()).as(form.body()).isEqualTo(200);
            return codeFrom(Forms.submit(browser, form, Map.of("username", username, "password", password)));
        }

        /** The code of a redirect to the client, after checking its state and iss. */
        String codeFrom(Page redirect) {
            assertThat(redirect.status()).as(redirect.body()).isEqualTo(302);
            assertThat(redirect.location()).startsWith(REDIRECT_URI + "?");
            Map<String, String> query = Browser.query(redirect.location());
            assertThat(query).containsEntry("state", state).containsEntry("iss", provider.issuer());
            return query.get("code");
        }

        Map<String, String> tokenFields(String code, Map<String, String> extra) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("grant_type", "authorization_code");
            fields.put("code", code);
            fields.put("redirect_uri", REDIRECT_URI);
            fields.put("code_verifier", verifier);
            fields.putAll(extra);
            return fields;
        }

        HttpResponse<String> exchange(String code) throws Exception {
            return tokenRequestBasic(code, REDIRECT_URI, verifier, CLIENT_ID, SECRET);
        }
    }

    private HttpResponse<String> tokenRequestBasic(String code, String redirectUri, String verifier, String id, String secret)
            throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code);
        fields.put("redirect_uri", redirectUri);
        fields.put("code_verifier", verifier);
        return tokenRequest(fields, basic(id, secret));
    }

    private HttpResponse<String> tokenRequest(Map<String, String> fields, String authorization) throws Exception {
        StringJoiner body = new StringJoiner("&");
        fields.forEach((name, value) -> body.add(enc(name) + "=" + enc(value)));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(provider.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int userInfoStatus(String accessToken) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(provider.issuer() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** RFC 6749 section 2.3.1: form-urlencoded id and secret, then Base64. */
    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    /** The token, after its RS256 signature verified against the key the JWKS endpoint publishes under its kid. */
    private SignedJWT verified(String jwt) throws Exception {
        SignedJWT parsed = SignedJWT.parse(jwt);
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        JWKSet jwks = JWKSet.parse(new Browser().get(provider.jwksUri()).body());
        RSAKey key = (RSAKey) jwks.getKeyByKeyId(parsed.getHeader().getKeyID());
        assertThat(key).as("the kid names a key of the JWKS").isNotNull();
        assertThat(key.isPrivate()).isFalse();
        assertThat(parsed.verify(new RSASSAVerifier(key))).isTrue();
        return parsed;
    }

    private String sid(HttpResponse<String> tokenAnswer) throws Exception {
        assertThat(tokenAnswer.statusCode()).as(tokenAnswer.body()).isEqualTo(200);
        return verified((String) JSONObjectUtils.parse(tokenAnswer.body()).get("id_token")).getJWTClaimsSet().getStringClaim("sid");
    }

    private static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
