package dev.portcullis.oidcclient;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.portcullis.oidc.TestTokens;

/**
 * A small OpenID Provider for tests, on a loopback port: discovery, authorize (signs alice in at once, or whoever
 * {@link #user} says), token (client_secret_basic, PKCE S256 checked, each code used once unless
 * {@link #codesReusable}), JWKS and end_session. Tests change what it issues through {@link #idTokenChange} and
 * {@link #signer}. Not a model of a real provider: only what the flow test needs.
 */
final class TestProvider implements AutoCloseable {

    static final String SECRET = "s3cret-of-the-client-as-long-as-a-generated-one";

    private final HttpServer server;
    final String issuer;
    /** What the next ID token's claims get changed by. */
    volatile UnaryOperator<JWTClaimsSet.Builder> idTokenChange = b -> b;
    /** How the next ID token is signed. */
    volatile Function<JWTClaimsSet, String> signer = TestTokens::sign;
    volatile boolean codesReusable;
    /** Requests the token endpoint received. */
    final java.util.concurrent.atomic.AtomicInteger tokenRequests = new java.util.concurrent.atomic.AtomicInteger();
    volatile boolean sendIss = true;
    volatile String user = "f3a1-alice";
    volatile String acr;
    /** When set, the token endpoint wants private_key_jwt signed with this key instead of the client secret. */
    volatile java.security.interfaces.RSAPublicKey clientKey;
    /** The client secret the token endpoint expects (client_secret_basic). */
    volatile String expectedSecret = SECRET;
    /** The last authorization request's query parameters. */
    volatile Map<String, String> lastAuthorization = Map.of();
    private final Map<String, Map<String, String>> codes = new ConcurrentHashMap<>();

    TestProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
        server.createContext("/realms/test/.well-known/openid-configuration", this::discovery);
        server.createContext("/realms/test/authorize", this::authorize);
        server.createContext("/realms/test/token", this::token);
        server.createContext("/realms/test/jwks", exchange -> send(exchange, 200, "application/json",
                TestTokens.jwks().toString()));
        server.createContext("/realms/test/logout", this::endSession);
        server.start();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        String json = "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"end_session_endpoint\":\"" + issuer + "/logout\",\"response_types_supported\":[\"code\"],"
                + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"],"
                + "\"code_challenge_methods_supported\":[\"S256\"],\"backchannel_logout_supported\":true,"
                + "\"backchannel_logout_session_supported\":true,\"authorization_response_iss_parameter_supported\":"
                + sendIss + "}";
        send(exchange, 200, "application/json", json);
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        lastAuthorization = q;
        if (!"code".equals(q.get("response_type")) || !TestTokens.CLIENT.equals(q.get("client_id"))
                || !"S256".equals(q.get("code_challenge_method")) || q.get("nonce") == null || q.get("state") == null) {
            send(exchange, 400, "text/plain", "bad authorization request " + q);
            return;
        }
        String code = "code-" + java.util.UUID.randomUUID();
        codes.put(code, q);
        String location = q.get("redirect_uri") + "?code=" + code + "&state=" + encode(q.get("state"))
                + (sendIss ? "&iss=" + encode(issuer) : "");
        exchange.getResponseHeaders().add("Location", location);
        send(exchange, 302, "text/plain", "");
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.incrementAndGet();
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
            form = query(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        if (!clientAuthenticated(exchange, form)) {
            send(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            return;
        }
        Map<String, String> grant = codesReusable ? codes.get(form.get("code")) : codes.remove(form.get("code"));
        if (grant == null || !grant.get("redirect_uri").equals(form.get("redirect_uri"))
                || !"authorization_code".equals(form.get("grant_type"))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\"}");
            return;
        }
        // RFC 7636 4.6: BASE64URL(SHA256(code_verifier)) == code_challenge.
        String verifier = form.getOrDefault("code_verifier", "");
        String challenge;
        try {
            challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!challenge.equals(grant.get("code_challenge"))) {
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"PKCE\"}");
            return;
        }
        JWTClaimsSet.Builder claims = TestTokens.idToken(Instant.now(), grant.get("nonce")).issuer(issuer).subject(user);
        if (acr != null) {
            claims.claim("acr", acr);
        }
        String idToken = signer.apply(idTokenChange.apply(claims).build());
        send(exchange, 200, "application/json", "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,"
                + "\"id_token\":\"" + idToken + "\"}");
    }

    /** client_secret_basic, or with {@link #clientKey} a client assertion (RFC 7523 3) signed with that key. */
    private boolean clientAuthenticated(HttpExchange exchange, Map<String, String> form) {
        if (clientKey == null) {
            String basic = "Basic " + Base64.getEncoder().encodeToString((TestTokens.CLIENT + ":" + expectedSecret)
                    .getBytes(StandardCharsets.UTF_8));
            return basic.equals(exchange.getRequestHeaders().getFirst("Authorization"));
        }
        if (exchange.getRequestHeaders().getFirst("Authorization") != null
                || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
            return false;
        }
        try {
            com.nimbusds.jwt.SignedJWT assertion = com.nimbusds.jwt.SignedJWT.parse(form.get("client_assertion"));
            JWTClaimsSet claims = assertion.getJWTClaimsSet();
            return assertion.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(clientKey))
                    && TestTokens.CLIENT.equals(claims.getIssuer()) && TestTokens.CLIENT.equals(claims.getSubject())
                    && claims.getAudience().contains(issuer + "/token")
                    && claims.getExpirationTime().toInstant().isAfter(Instant.now());
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            return false;
        }
    }

    private void endSession(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        exchange.getResponseHeaders().add("Location", q.get("post_logout_redirect_uri") + "?state=" + encode(q.get("state")));
        send(exchange, 302, "text/plain", "");
    }

    /** Exchanges a code the way an attacker who captured it would, without the verifier. */
    Map<String, String> grant(String code) {
        return codes.get(code);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    URI uri(String path) {
        return URI.create(issuer + path);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
