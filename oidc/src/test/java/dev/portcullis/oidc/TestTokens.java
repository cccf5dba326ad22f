package dev.portcullis.oidc;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Tokens as a provider makes them, and as attackers make them: the provider's RSA key (kid "k1") and EC key
 * (kid "e1"), an attacker's RSA key, signing with any of them, alg none, HS256 keyed with the public key.
 * Shared by the check tests and the flow test's provider. Keys are made once per JVM.
 */
public final class TestTokens {

    public static final String ISSUER = "https://op.example.org/realms/main";
    public static final String CLIENT = "portcullis-app";
    public static final RSAKey PROVIDER_KEY = rsa("k1");
    public static final ECKey PROVIDER_EC_KEY = ec("e1");
    /** Same kid as the provider's key: only the signature tells them apart. */
    public static final RSAKey ATTACKER_KEY = rsa("k1");

    private TestTokens() {
    }

    private static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The provider's published JWKS (public keys only). */
    public static JWKSet jwks() {
        return new JWKSet(List.of(PROVIDER_KEY.toPublicJWK(), PROVIDER_EC_KEY.toPublicJWK()));
    }

    /** An ID token's claims as a well-behaved provider issues them at {@code now}. */
    public static JWTClaimsSet.Builder idToken(Instant now, String nonce) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("f3a1-alice").audience(CLIENT)
                .expirationTime(Date.from(now.plusSeconds(300))).issueTime(Date.from(now)).claim("nonce", nonce)
                .claim("sid", "sid-1").claim("azp", CLIENT).claim("preferred_username", "alice")
                .claim("realm_access", Map.of("roles", List.of("admin", "user")));
    }

    /** A logout token's claims as a well-behaved provider issues them at {@code now}. */
    public static JWTClaimsSet.Builder logoutToken(Instant now) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("f3a1-alice").audience(CLIENT)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120))).jwtID("jti-" + now.toEpochMilli())
                .claim("sid", "sid-1").claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, Map.of()));
    }

    public static String sign(JWTClaimsSet claims) {
        return sign(claims, PROVIDER_KEY, JWSAlgorithm.RS256);
    }

    public static String sign(JWTClaimsSet claims, RSAKey key, JWSAlgorithm algorithm) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                    .build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String signEc(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(PROVIDER_EC_KEY.getKeyID()).build(),
                    claims);
            jwt.sign(new ECDSASigner(PROVIDER_EC_KEY));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** alg "none": no signature at all. */
    public static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /**
     * HS256 whose HMAC key is the provider's public key as published (the JWKS JSON): what a verifier that lets the
     * token choose the algorithm and feeds it "the key" would accept (algorithm confusion, RFC 8725 2.1).
     */
    public static String hmacWithPublicKey(JWTClaimsSet claims) {
        try {
            byte[] secret = PROVIDER_KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token with one character of its payload changed (the signature left as it was). */
    public static String tampered(String compact) {
        String[] parts = compact.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("f3a1-alice", "f3a1-mallo");
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    /** Changes a claims set. */
    public static JWTClaimsSet with(JWTClaimsSet.Builder builder, UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(builder).build();
    }
}
