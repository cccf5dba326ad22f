package dev.portcullis.devoidc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.nimbusds.jose.util.JSONObjectUtils;

/**
 * {@code POST /token}: the authorization code grant (RFC 6749 section 4.1.3, OpenID Connect Core 1.0
 * section 3.1.3). Checks, in this order:
 * <ol>
 *   <li>client authentication: exactly one of {@code client_secret_basic} (RFC 6749 section 2.3.1:
 *       id and secret form-urlencoded, then Base64) and {@code client_secret_post}; the secret compared
 *       in constant time; a {@code client_id} parameter beside Basic must name the same client;</li>
 *   <li>{@code grant_type=authorization_code}; {@code code}, {@code redirect_uri}, {@code code_verifier}
 *       present;</li>
 *   <li>the code: issued by this provider, not used before, not older than the code lifetime. It is spent
 *       by this very request whatever follows, so that a stolen code gives an attacker one guess at the
 *       verifier, not many. A second use of a code is refused and revokes the access token the first
 *       use gave (RFC 6749 section 4.1.2);</li>
 *   <li>the code was issued to this client: the provider has one client, authenticated in step 1, and
 *       issues codes to no one else;</li>
 *   <li>{@code redirect_uri} equals the one of the authorization request (RFC 6749 section 4.1.3);</li>
 *   <li>PKCE: BASE64URL(SHA-256(code_verifier)) equals the request's {@code code_challenge}
 *       (RFC 7636 section 4.6), the verifier 43 to 128 unreserved characters.</li>
 * </ol>
 * The answer is never cached. Thread-safe.
 */
final class TokenEndpoint {

    private static final System.Logger LOG = System.getLogger(TokenEndpoint.class.getName());
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    /** How long a used code is remembered, so that its replay is recognised and its tokens revoked. */
    static final Duration SPENT_CODE_MEMORY = Duration.ofMinutes(10);

    private record Spent(String accessToken, Instant at) {
    }

    private final ExpiringStore<CodeGrant> codes;
    private final ExpiringStore<Map<String, Object>> accessTokens;
    private final Map<String, Spent> spent = new ConcurrentHashMap<>();
    private final TokenSigner signer;
    private final String clientId;
    private final byte[] secretDigest;
    private final Duration tokenLifetime;
    private final Clock clock;

    TokenEndpoint(DevOidcConfig config, ExpiringStore<CodeGrant> codes, ExpiringStore<Map<String, Object>> accessTokens,
                  TokenSigner signer) {
        this.codes = codes;
        this.accessTokens = accessTokens;
        this.signer = signer;
        this.clientId = config.clientId();
        this.secretDigest = AuthorizationEndpoint.sha256(config.clientSecret());
        this.tokenLifetime = config.tokenLifetime();
        this.clock = config.clock();
    }

    void token(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String authorization = request.getHeader("Authorization");
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        try {
            authenticateClient(request, authorization, basic);
            CodeGrant grant = redeem(request);
            Map<String, Object> userClaims = TokenSigner.userClaims(grant.session().user());
            String accessToken = accessTokens.add(userClaims);
            spent.computeIfPresent(request.getParameter("code"), (code, was) -> new Spent(accessToken, was.at()));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("access_token", accessToken);
            answer.put("token_type", "Bearer");
            answer.put("expires_in", tokenLifetime.getSeconds());
            answer.put("scope", grant.request().scope());
            answer.put("id_token", signer.idToken(grant.session(), grant.request(), clock.instant()));
            LOG.log(Level.INFO, "Development OIDC provider: ID token for [{0}] issued to client [{1}]",
                    grant.session().user().username(), clientId);
            OidcPages.json(response, 200, JSONObjectUtils.toJSONString(answer));
        } catch (OidcRejected e) {
            LOG.log(Level.INFO, "Development OIDC provider refused a token request, {0}: {1}", e.reason(), e.getMessage());
            if (e.reason() == OidcRejection.CLIENT_AUTHENTICATION_FAILED && basic) {
                // RFC 6749 section 5.2: 401 with the scheme the client used.
                response.setHeader("WWW-Authenticate", "Basic realm=\"portcullis-devoidc\"");
            }
            int status = e.reason() == OidcRejection.CLIENT_AUTHENTICATION_FAILED ? 401
                    : e.reason() == OidcRejection.TOO_MANY_PENDING ? 503 : 400;
            OidcPages.json(response, status, JSONObjectUtils.toJSONString(Map.of("error", e.reason().error(),
                    "error_description", e.reason().publicMessage())));
        }
    }

    private void authenticateClient(HttpServletRequest request, String authorization, boolean basic) throws OidcRejected {
        String postedSecret = request.getParameter("client_secret");
        String postedId = request.getParameter("client_id");
        if (basic && postedSecret != null) {
            // RFC 6749 section 2.3: a client must not use more than one authentication method per request.
            throw new OidcRejected(OidcRejection.TWO_CLIENT_AUTHENTICATIONS, "both an Authorization header and client_secret");
        }
        String id;
        String secret;
        if (basic) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OidcRejected(OidcRejection.CLIENT_AUTHENTICATION_FAILED, "the Basic credentials are not Base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OidcRejected(OidcRejection.CLIENT_AUTHENTICATION_FAILED, "the Basic credentials have no colon");
            }
            id = formDecode(decoded.substring(0, colon));
            secret = formDecode(decoded.substring(colon + 1));
            if (postedId != null && !postedId.equals(id)) {
                throw new OidcRejected(OidcRejection.CLIENT_AUTHENTICATION_FAILED, "client_id [" + postedId
                        + "] beside Basic credentials of [" + id + "]");
            }
        } else if (postedSecret != null) {
            id = postedId;
            secret = postedSecret;
        } else {
            throw new OidcRejected(OidcRejection.CLIENT_AUTHENTICATION_FAILED, "no client authentication");
        }
        boolean secretMatches = MessageDigest.isEqual(secretDigest, AuthorizationEndpoint.sha256(secret == null ? "" : secret));
        if (!clientId.equals(id) || !secretMatches) {
            throw new OidcRejected(OidcRejection.CLIENT_AUTHENTICATION_FAILED, "client [" + id + "] by "
                    + (basic ? "client_secret_basic" : "client_secret_post") + (clientId.equals(id) ? ", wrong secret" : ", unknown client"));
        }
    }

    private CodeGrant redeem(HttpServletRequest request) throws OidcRejected {
        String grantType = request.getParameter("grant_type");
        if (!"authorization_code".equals(grantType)) {
            throw new OidcRejected(OidcRejection.UNSUPPORTED_GRANT_TYPE, "grant_type [" + grantType + "]");
        }
        String code = request.getParameter("code");
        String redirectUri = request.getParameter("redirect_uri");
        String verifier = request.getParameter("code_verifier");
        if (code == null || redirectUri == null || verifier == null) {
            throw new OidcRejected(OidcRejection.MISSING_TOKEN_PARAMETER, "code " + present(code) + ", redirect_uri "
                    + present(redirectUri) + ", code_verifier " + present(verifier));
        }
        Instant now = clock.instant();
        spent.values().removeIf(was -> was.at().plus(SPENT_CODE_MEMORY).isBefore(now));
        Optional<Instant> issued = codes.created(code);
        Optional<CodeGrant> taken = codes.take(code);
        if (taken.isEmpty()) {
            Spent was = spent.get(code);
            if (was != null) {
                if (was.accessToken() != null) {
                    accessTokens.take(was.accessToken());
                }
                throw new OidcRejected(OidcRejection.REPLAYED_CODE, "the code was used at " + was.at()
                        + "; the access token it gave is revoked");
            }
            throw issued.isPresent() ? new OidcRejected(OidcRejection.EXPIRED_CODE, "the code was issued at " + issued.get())
                    : new OidcRejected(OidcRejection.UNKNOWN_CODE, "no such code");
        }
        spent.put(code, new Spent(null, now));
        CodeGrant grant = taken.get();
        if (!grant.request().redirectUri().equals(redirectUri)) {
            throw new OidcRejected(OidcRejection.CODE_FOR_ANOTHER_REDIRECT_URI, "expected redirect_uri ["
                    + grant.request().redirectUri() + "], got [" + redirectUri + "]");
        }
        if (!VERIFIER.matcher(verifier).matches()
                || !MessageDigest.isEqual(s256(verifier), grant.request().codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            throw new OidcRejected(OidcRejection.WRONG_CODE_VERIFIER, "code_verifier of length " + verifier.length()
                    + " does not hash to the code_challenge");
        }
        return grant;
    }

    /** BASE64URL(SHA-256(ASCII(verifier))) as ASCII bytes (RFC 7636 section 4.2). */
    static byte[] s256(String verifier) {
        byte[] digest = AuthorizationEndpoint.sha256(verifier);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).getBytes(StandardCharsets.US_ASCII);
    }

    private static String formDecode(String value) throws OidcRejected {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new OidcRejected(OidcRejection.CLIENT_AUTHENTICATION_FAILED, "the Basic credentials are not form-urlencoded");
        }
    }

    private static String present(String value) {
        return value == null ? "absent" : "present";
    }
}
