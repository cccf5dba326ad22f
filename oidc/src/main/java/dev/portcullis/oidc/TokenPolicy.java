package dev.portcullis.oidc;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

/**
 * What every token from the provider must satisfy, whatever its kind: who issued it, for which client, the
 * signature algorithms allowed, the provider's keys and the clock tolerance. Immutable and thread-safe (the
 * key source is Nimbus's caching, rate-limited JWKS source, itself thread-safe).
 *
 * @param issuer     the issuer identifier, compared exactly (OpenID Connect Core 1.0 section 3.1.3.7 step 2)
 * @param clientId   this relying party's client ID, which the audience must contain (step 3)
 * @param algorithms the JWS algorithms accepted: asymmetric only, see {@link #ASYMMETRIC}
 * @param keys       the provider's JWKS, from its discovery document only
 * @param clockSkew  tolerance on every time check (clockSkew)
 */
public record TokenPolicy(String issuer, String clientId, Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys,
                          Duration clockSkew, Clock clock) {

    /**
     * The algorithms Portcullis ever accepts: RSA PKCS#1, RSA-PSS and ECDSA. Never {@code none} and never an HMAC:
     * an HMAC key would be the client secret, and a verifier that takes the provider's public key as an HMAC
     * secret is the classic algorithm-confusion forgery (RFC 8725 sections 2.1, 3.1).
     */
    public static final List<JWSAlgorithm> ASYMMETRIC = List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    public TokenPolicy {
        if (issuer == null || clientId == null || keys == null || clock == null || clockSkew == null) {
            throw new IllegalArgumentException("issuer, clientId, keys, clockSkew and clock are required");
        }
        Set<JWSAlgorithm> allowed = new LinkedHashSet<>(algorithms);
        allowed.retainAll(ASYMMETRIC);
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("no asymmetric signature algorithm is allowed");
        }
        algorithms = Set.copyOf(allowed);
    }

    /**
     * The algorithms to accept from a provider that lists {@code advertised} in its discovery document
     * ({@code id_token_signing_alg_values_supported}): those of them Portcullis accepts at all; RS256 when it lists
     * none (OpenID Connect Core 1.0 section 3.1.3.7 step 7: RS256 is the default).
     */
    public static Set<JWSAlgorithm> acceptable(List<JWSAlgorithm> advertised) {
        Set<JWSAlgorithm> allowed = new LinkedHashSet<>(advertised == null || advertised.isEmpty()
                ? List.of(JWSAlgorithm.RS256) : advertised);
        allowed.retainAll(ASYMMETRIC);
        return allowed;
    }
}
