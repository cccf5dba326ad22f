package dev.portcullis.oidc;

import static dev.portcullis.oidc.TestTokens.CLIENT;
import static dev.portcullis.oidc.TestTokens.ISSUER;
import static dev.portcullis.oidc.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.portcullis.testkit.TestClock;

/**
 * Every ID token rule (OpenID Connect Core 1.0 section 3.1.3.7, RFC 8725) from both sides: the token a provider
 * issues is accepted, and the same token with one thing changed is refused with that rule's code. Each refusal test
 * first shows that the unchanged token passes, so a refusal can only come from the change.
 */
class IdTokenValidatorTest {

    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    private static final String NONCE = "_n0nce-of-this-sign-in";
    private static final Duration SKEW = Duration.ofMinutes(2);

    private final TestClock clock = new TestClock(NOW);
    private final IdTokenValidator validator = new IdTokenValidator(new TokenPolicy(ISSUER, CLIENT,
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), new ImmutableJWKSet<>(TestTokens.jwks()), SKEW, clock));
    private final IdTokenExpectations plain = new IdTokenExpectations(NONCE, List.of(), null, NOW.minusSeconds(30));

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        return TestTokens.with(TestTokens.idToken(NOW, NONCE), change);
    }

    private void accepted(String token, IdTokenExpectations expected) throws OidcValidationException {
        assertThat(validator.validate(token, expected).getSubject()).isEqualTo("f3a1-alice");
    }

    private void refused(String token, IdTokenExpectations expected, OidcErrorCode code) {
        assertThatThrownBy(() -> validator.validate(token, expected)).isInstanceOf(OidcValidationException.class)
                .extracting(e -> ((OidcValidationException) e).code()).isEqualTo(code);
    }

    @Test
    void aTokenAsTheProviderIssuesItIsAccepted() throws Exception {
        accepted(sign(claims(b -> b)), plain);
        accepted(TestTokens.signEc(claims(b -> b)), plain);
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        String token = sign(claims(b -> b));
        accepted(token, plain);
        refused(TestTokens.tampered(token), plain, OidcErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void aTokenSignedByAnotherKeyWithTheProvidersKidIsRefused() throws Exception {
        accepted(sign(claims(b -> b)), plain);
        refused(sign(claims(b -> b), TestTokens.ATTACKER_KEY, JWSAlgorithm.RS256), plain, OidcErrorCode.INVALID_SIGNATURE);
    }

    @Test
    void anUnsignedAlgNoneTokenIsRefused() throws Exception {
        accepted(sign(claims(b -> b)), plain);
        refused(TestTokens.unsigned(claims(b -> b)), plain, OidcErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void hs256KeyedWithThePublicKeyIsRefused() throws Exception {
        accepted(sign(claims(b -> b)), plain);
        refused(TestTokens.hmacWithPublicKey(claims(b -> b)), plain, OidcErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void anAlgorithmTheProviderDoesNotAdvertiseIsRefused() throws Exception {
        accepted(sign(claims(b -> b), TestTokens.PROVIDER_KEY, JWSAlgorithm.RS256), plain);
        refused(sign(claims(b -> b), TestTokens.PROVIDER_KEY, JWSAlgorithm.RS512), plain, OidcErrorCode.ALGORITHM_NOT_ALLOWED);
    }

    @Test
    void aKidNotInTheJwksIsRefused() throws Exception {
        accepted(sign(claims(b -> b)), plain);
        com.nimbusds.jose.jwk.RSAKey other = new com.nimbusds.jose.jwk.RSAKey.Builder(TestTokens.ATTACKER_KEY).keyID("k9").build();
        refused(sign(claims(b -> b), other, JWSAlgorithm.RS256), plain, OidcErrorCode.UNKNOWN_KEY);
    }

    @Test
    void anotherIssuerIsRefusedEvenWithATrailingSlash() throws Exception {
        accepted(sign(claims(b -> b.issuer(ISSUER))), plain);
        refused(sign(claims(b -> b.issuer(ISSUER + "/"))), plain, OidcErrorCode.ISSUER_MISMATCH);
        refused(sign(claims(b -> b.issuer("https://evil.example.org/realms/main"))), plain, OidcErrorCode.ISSUER_MISMATCH);
    }

    @Test
    void aTokenForAnotherClientIsRefused() throws Exception {
        accepted(sign(claims(b -> b.audience(CLIENT))), plain);
        refused(sign(claims(b -> b.audience("other-app").claim("azp", null))), plain, OidcErrorCode.AUDIENCE_MISMATCH);
    }

    @Test
    void severalAudiencesNeedAzpNamingThisClient() throws Exception {
        accepted(sign(claims(b -> b.audience(List.of(CLIENT, "api")).claim("azp", CLIENT))), plain);
        refused(sign(claims(b -> b.audience(List.of(CLIENT, "api")).claim("azp", null))), plain,
                OidcErrorCode.AUTHORIZED_PARTY_MISMATCH);
        refused(sign(claims(b -> b.audience(List.of(CLIENT, "api")).claim("azp", "api"))), plain,
                OidcErrorCode.AUTHORIZED_PARTY_MISMATCH);
    }

    @Test
    void anExpiredTokenIsRefusedBeyondTheClockSkewOnly() throws Exception {
        accepted(sign(claims(b -> b.expirationTime(Date.from(NOW.minus(SKEW).plusSeconds(1))))), plain);
        refused(sign(claims(b -> b.expirationTime(Date.from(NOW.minus(SKEW))))), plain, OidcErrorCode.EXPIRED);
        refused(sign(claims(b -> b.expirationTime(null))), plain, OidcErrorCode.EXPIRED);
    }

    @Test
    void aTokenFromTheFutureIsRefusedBeyondTheClockSkewOnly() throws Exception {
        accepted(sign(claims(b -> b.issueTime(Date.from(NOW.plus(SKEW))))), plain);
        refused(sign(claims(b -> b.issueTime(Date.from(NOW.plus(SKEW).plusSeconds(1))))), plain, OidcErrorCode.NOT_YET_VALID);
        refused(sign(claims(b -> b.notBeforeTime(Date.from(NOW.plus(SKEW).plusSeconds(1))))), plain,
                OidcErrorCode.NOT_YET_VALID);
        refused(sign(claims(b -> b.issueTime(null))), plain, OidcErrorCode.NOT_YET_VALID);
    }

    @Test
    void aNonceOfAnotherSignInIsRefused() throws Exception {
        accepted(sign(claims(b -> b.claim("nonce", NONCE))), plain);
        refused(sign(claims(b -> b.claim("nonce", "_n0nce-of-another-sign-in"))), plain, OidcErrorCode.NONCE_MISMATCH);
        refused(sign(claims(b -> b.claim("nonce", null))), plain, OidcErrorCode.NONCE_MISMATCH);
    }

    @Test
    void aStepUpNeedsTheAcrItAskedFor() throws Exception {
        IdTokenExpectations stepUp = new IdTokenExpectations(NONCE, List.of("gold"), null, NOW);
        accepted(sign(claims(b -> b.claim("acr", "gold"))), stepUp);
        refused(sign(claims(b -> b.claim("acr", "silver"))), stepUp, OidcErrorCode.ACR_MISMATCH);
        refused(sign(claims(b -> b)), stepUp, OidcErrorCode.ACR_MISMATCH);
        accepted(sign(claims(b -> b.claim("acr", "silver"))), plain);
    }

    @Test
    void withMaxAgeAuthTimeMustBePresentAndRecent() throws Exception {
        IdTokenExpectations maxAge = new IdTokenExpectations(NONCE, List.of(), Duration.ofMinutes(5), NOW);
        accepted(sign(claims(b -> b.claim("auth_time", NOW.minusSeconds(60).getEpochSecond()))), maxAge);
        refused(sign(claims(b -> b)), maxAge, OidcErrorCode.AUTH_TIME_MISSING);
        refused(sign(claims(b -> b.claim("auth_time", NOW.minus(Duration.ofMinutes(8)).getEpochSecond()))), maxAge,
                OidcErrorCode.AUTH_TIME_MISSING);
    }

    @Test
    void aTokenWithoutSubjectIsRefused() throws Exception {
        accepted(sign(claims(b -> b.subject("f3a1-alice"))), plain);
        refused(sign(claims(b -> b.subject(null))), plain, OidcErrorCode.SUBJECT_MISSING);
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        refused("not.a.jwt", plain, OidcErrorCode.TOKEN_MALFORMED);
        refused("", plain, OidcErrorCode.TOKEN_MALFORMED);
    }

    @Test
    void claimsAreNeverReadBeforeTheSignatureVerified() {
        // The order is the documented one: parse, algorithm, signature, then every claim.
        assertThat(List.of(IdTokenCheck.values()).subList(0, 3))
                .containsExactly(IdTokenCheck.PARSE, IdTokenCheck.ALGORITHM, IdTokenCheck.SIGNATURE);
        assertThat(List.of(LogoutTokenCheck.values()).subList(0, 3))
                .containsExactly(LogoutTokenCheck.PARSE, LogoutTokenCheck.ALGORITHM, LogoutTokenCheck.SIGNATURE);
    }

    @Test
    void hmacIsNeverAllowedEvenIfAdvertised() {
        assertThat(TokenPolicy.acceptable(List.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256))).containsExactly(JWSAlgorithm.RS256);
        assertThat(TokenPolicy.acceptable(List.of(JWSAlgorithm.HS256))).isEmpty();
        assertThat(TokenPolicy.acceptable(List.of())).containsExactly(JWSAlgorithm.RS256);
    }
}
