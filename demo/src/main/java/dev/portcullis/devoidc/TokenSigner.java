package dev.portcullis.devoidc;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.portcullis.devidp.DevUser;

/**
 * Signs what the provider issues, RS256 with its one key (the {@code kid} in the header names it in the
 * JWKS): ID tokens (OpenID Connect Core 1.0 section 2) and logout tokens (OpenID Connect Back-Channel
 * Logout 1.0 section 2.4); and checks that an {@code id_token_hint} is one of its own ID tokens.
 * Immutable and thread-safe.
 */
final class TokenSigner {

    /** The event that makes a JWT a logout token (Back-Channel Logout 1.0 section 2.4). */
    static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
    /** How long a logout token is valid: it is sent at once, so two minutes are plenty. */
    static final Duration LOGOUT_TOKEN_LIFETIME = Duration.ofMinutes(2);

    private final RSAKey key;
    private final RSASSASigner signer;
    private final RSASSAVerifier verifier;
    private final String issuer;
    private final String clientId;
    private final Duration lifetime;

    TokenSigner(RSAKey key, String issuer, String clientId, Duration lifetime) {
        try {
            this.signer = new RSASSASigner(key);
            this.verifier = new RSASSAVerifier(key.toPublicJWK());
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the provider's key cannot sign: " + e.getMessage(), e);
        }
        this.key = key;
        this.issuer = issuer;
        this.clientId = clientId;
        this.lifetime = lifetime;
    }

    /** The claims the provider states about a user, in ID tokens and at the UserInfo endpoint. */
    static Map<String, Object> userClaims(DevUser user) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user.nameId());
        claims.put("preferred_username", user.username());
        first(user, "displayName").ifPresent(name -> claims.put("name", name));
        first(user, "mail").ifPresent(mail -> claims.put("email", mail));
        claims.put("roles", user.roles());
        return claims;
    }

    /** An ID token for this sign-in, answering this request. */
    String idToken(OpSession session, AuthorizationRequest request, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        userClaims(session.user()).forEach(claims::claim);
        claims.issuer(issuer)
                .audience(List.of(clientId))
                .claim("azp", clientId)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("auth_time", session.authTime().getEpochSecond())
                .claim("acr", session.acr())
                .claim("sid", session.sid());
        if (request.nonce() != null) {
            // OpenID Connect Core 1.0 section 3.1.2.1: the nonce goes into the ID token unmodified.
            claims.claim("nonce", request.nonce());
        }
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                claims.build());
    }

    /**
     * A logout token for this user's session (Back-Channel Logout 1.0 section 2.4): iss, aud, iat, exp, a
     * fresh jti, the back-channel logout event, sub and, when known, sid; never a nonce. Typed
     * {@code logout+jwt} (section 2.4, recommended) so that it cannot pass for an ID token.
     *
     * @param sid null for a logout of every session of the user
     */
    String logoutToken(String sub, String sid, Instant now) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(List.of(clientId))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LOGOUT_TOKEN_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("events", Map.of(BACKCHANNEL_LOGOUT_EVENT, Map.of()))
                .subject(sub);
        if (sid != null) {
            claims.claim("sid", sid);
        }
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("logout+jwt")).keyID(key.getKeyID())
                .build(), claims.build());
    }

    /**
     * The claims of an ID token this provider issued to its client: RS256, signature by this key, this
     * issuer, the client in the audience. An expired one is accepted: OpenID Connect RP-Initiated Logout
     * 1.0 section 2 lets the OP accept an id_token_hint whose exp has passed.
     */
    Optional<JWTClaimsSet> ownIdToken(String jwt) {
        try {
            SignedJWT parsed = SignedJWT.parse(jwt);
            if (!JWSAlgorithm.RS256.equals(parsed.getHeader().getAlgorithm()) || !parsed.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet claims = parsed.getJWTClaimsSet();
            if (!issuer.equals(claims.getIssuer()) || claims.getAudience() == null || !claims.getAudience().contains(clientId)
                    || claims.getClaim("events") != null) {
                return Optional.empty();
            }
            return Optional.of(claims);
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** The public key as a JWK Set document (RFC 7517 section 5). */
    String jwks() {
        return "{\"keys\":[" + key.toPublicJWK().toJSONString() + "]}";
    }

    private String sign(JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    private static Optional<String> first(DevUser user, String attribute) {
        List<String> values = user.attributes().get(attribute);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
