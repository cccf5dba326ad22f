package dev.portcullis.oidc;

import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;

/**
 * One JWT from the provider on its way through the checks (ID token or logout token): the parsed form, the
 * claims once the signature has verified, and "now", read once. The rules both kinds share are here, each one
 * method throwing {@link OidcValidationException} with its code; {@link IdTokenCheck} and {@link LogoutTokenCheck}
 * put them in order. Nothing of the claims is read before the signature has verified: {@link #claims} refuses
 * until then. One per validation; not thread-safe.
 */
public final class SignedToken {

    private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

    private final String compact;
    private final TokenPolicy policy;
    private final Instant now;
    private SignedJWT jwt;
    private JWTClaimsSet claims;

    SignedToken(String compact, TokenPolicy policy) {
        this.compact = compact;
        this.policy = policy;
        this.now = policy.clock().instant();
    }

    Instant now() {
        return now;
    }

    TokenPolicy policy() {
        return policy;
    }

    /** The claims, once the signature has verified. */
    JWTClaimsSet claims() {
        if (claims == null) {
            throw new IllegalStateException("claims read before the signature was verified");
        }
        return claims;
    }

    /** A compact JWS; an unsigned (alg=none) or encrypted token is refused here (RFC 8725 section 3.1). */
    void parse() throws OidcValidationException {
        if (compact == null || compact.isEmpty() || compact.length() > 64 * 1024) {
            throw new OidcValidationException(OidcErrorCode.TOKEN_MALFORMED, "no token, or one over 64 KB");
        }
        JWT parsed;
        try {
            parsed = JWTParser.parse(compact);
        } catch (ParseException e) {
            throw new OidcValidationException(OidcErrorCode.TOKEN_MALFORMED, "not a JWT: " + e.getMessage());
        }
        if (!(parsed instanceof SignedJWT signed)) {
            // An unsecured JWT (alg "none") proves nothing; an encrypted one is not what Portcullis asks for.
            throw new OidcValidationException(parsed instanceof com.nimbusds.jwt.PlainJWT
                    ? OidcErrorCode.ALGORITHM_NOT_ALLOWED : OidcErrorCode.TOKEN_MALFORMED,
                    "the token is " + (parsed instanceof com.nimbusds.jwt.PlainJWT ? "unsigned [alg none]" : "encrypted")
                            + " [expected a JWS]");
        }
        this.jwt = signed;
    }

    /**
     * The header's alg is one of the policy's: asymmetric and advertised by the provider. Decided from our list,
     * never from the token (RFC 8725 section 3.1: alg is attacker-chosen input; OIDC Core 3.1.3.7 steps 6-7).
     */
    void checkAlgorithm() throws OidcValidationException {
        JWSHeader header = jwt.getHeader();
        if (!policy.algorithms().contains(header.getAlgorithm())) {
            throw new OidcValidationException(OidcErrorCode.ALGORITHM_NOT_ALLOWED, "alg [" + header.getAlgorithm()
                    + "] [allowed " + policy.algorithms() + "]");
        }
    }

    /**
     * The signature verifies with a key from the provider's JWKS that matches the header's kid, key type and
     * algorithm (a key published for encryption is not used). Keys come only from the JWKS the discovery document
     * names: jwk, jku and x5u header parameters are ignored (RFC 8725 section 3.10). An unknown kid makes the
     * key source fetch the JWKS again, at most once per rate-limit interval (key rotation, OIDC Core 10.1.1).
     */
    void verifySignature() throws OidcValidationException {
        JWSHeader header = jwt.getHeader();
        List<JWK> candidates;
        try {
            candidates = policy.keys().get(new JWKSelector(JWKMatcher.forJWSHeader(header)), (SecurityContext) null);
        } catch (com.nimbusds.jose.KeySourceException e) {
            throw new OidcValidationException(OidcErrorCode.UNKNOWN_KEY, "the provider's JWKS could not be read: "
                    + e.getMessage());
        }
        if (candidates == null || candidates.isEmpty()) {
            throw new OidcValidationException(OidcErrorCode.UNKNOWN_KEY, "no key in the provider's JWKS for kid ["
                    + header.getKeyID() + "] alg [" + header.getAlgorithm() + "]");
        }
        for (JWK candidate : candidates) {
            try {
                Key key = candidate instanceof RSAKey rsa ? rsa.toRSAPublicKey()
                        : candidate instanceof ECKey ec ? ec.toECPublicKey() : null;
                if (key != null && jwt.verify(VERIFIERS.createJWSVerifier(header, key))) {
                    this.claims = jwt.getJWTClaimsSet();
                    return;
                }
            } catch (JOSEException e) {
                // A key of the wrong curve or size for the algorithm: try the next candidate.
            } catch (ParseException e) {
                throw new OidcValidationException(OidcErrorCode.TOKEN_MALFORMED, "the payload is no JSON claims set");
            }
        }
        throw new OidcValidationException(OidcErrorCode.INVALID_SIGNATURE, "the signature does not verify with the "
                + candidates.size() + " key(s) for kid [" + header.getKeyID() + "] alg [" + header.getAlgorithm() + "]");
    }

    /** iss is exactly the configured issuer: no normalization, no trailing-slash tolerance (OIDC Core 3.1.3.7 step 2). */
    void checkIssuer() throws OidcValidationException {
        String issuer = claims().getIssuer();
        if (!policy.issuer().equals(issuer)) {
            throw new OidcValidationException(OidcErrorCode.ISSUER_MISMATCH, "iss [" + issuer + "] [expected "
                    + policy.issuer() + "]");
        }
    }

    /** aud contains the client ID: a token the provider issued to another client is never accepted (step 3). */
    void checkAudience() throws OidcValidationException {
        List<String> audience = claims().getAudience();
        if (audience == null || !audience.contains(policy.clientId())) {
            throw new OidcValidationException(OidcErrorCode.AUDIENCE_MISMATCH, "aud " + audience + " [expected to contain "
                    + policy.clientId() + "]");
        }
    }

    /**
     * With several audiences, azp must be present and name this client; when present at all it must name this client
     * (OIDC Core 3.1.3.7 steps 4-5): a token requested by another client that merely lists us is not ours.
     */
    void checkAuthorizedParty() throws OidcValidationException {
        Object azp = claims().getClaim("azp");
        List<String> audience = claims().getAudience();
        if (azp == null && audience.size() > 1) {
            throw new OidcValidationException(OidcErrorCode.AUTHORIZED_PARTY_MISMATCH, "aud " + audience
                    + " has several audiences and there is no azp [expected " + policy.clientId() + "]");
        }
        if (azp != null && !policy.clientId().equals(azp)) {
            throw new OidcValidationException(OidcErrorCode.AUTHORIZED_PARTY_MISMATCH, "azp [" + azp + "] [expected "
                    + policy.clientId() + "]");
        }
    }

    /** exp is present (when {@code required}) and, with clockSkew, not reached (OIDC Core 3.1.3.7 step 9). */
    void checkExpiry(boolean required) throws OidcValidationException {
        Date exp = claims().getExpirationTime();
        if (exp == null) {
            if (required) {
                throw new OidcValidationException(OidcErrorCode.EXPIRED, "no exp claim");
            }
            return;
        }
        if (!now.isBefore(exp.toInstant().plus(policy.clockSkew()))) {
            throw new OidcValidationException(OidcErrorCode.EXPIRED, "exp [" + exp.toInstant() + "] has passed [now " + now
                    + ", clockSkew " + policy.clockSkew() + "]");
        }
    }

    /**
     * iat is present and not in the future, nbf (when present) reached, each with clockSkew (OIDC Core 3.1.3.7
     * step 10; RFC 7519 4.1.5).
     */
    void checkIssuedAt() throws OidcValidationException {
        Date iat = claims().getIssueTime();
        if (iat == null) {
            throw new OidcValidationException(OidcErrorCode.NOT_YET_VALID, "no iat claim");
        }
        Instant latest = now.plus(policy.clockSkew());
        if (iat.toInstant().isAfter(latest)) {
            throw new OidcValidationException(OidcErrorCode.NOT_YET_VALID, "iat [" + iat.toInstant() + "] is in the future"
                    + " [now " + now + ", clockSkew " + policy.clockSkew() + "]");
        }
        Date nbf = claims().getNotBeforeTime();
        if (nbf != null && nbf.toInstant().isAfter(latest)) {
            throw new OidcValidationException(OidcErrorCode.NOT_YET_VALID, "nbf [" + nbf.toInstant() + "] is in the future"
                    + " [now " + now + ", clockSkew " + policy.clockSkew() + "]");
        }
    }

    /** A string claim, or null when absent or not a string. */
    String string(String name) {
        Object value = claims().getClaim(name);
        return value instanceof String s ? s : null;
    }
}
