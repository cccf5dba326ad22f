package dev.portcullis.oidc;

import static dev.portcullis.oidc.TestTokens.CLIENT;
import static dev.portcullis.oidc.TestTokens.ISSUER;
import static dev.portcullis.oidc.TestTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;

import dev.portcullis.testkit.TestClock;

/**
 * Every logout token rule (OpenID Connect Back-Channel Logout 1.0 section 2.6) from both sides. Single use of the
 * jti is the endpoint's (the replay cache), tested in the flow test.
 */
class LogoutTokenValidatorTest {

    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    private final TestClock clock = new TestClock(NOW);
    private final LogoutTokenValidator validator = new LogoutTokenValidator(new TokenPolicy(ISSUER, CLIENT,
            Set.of(JWSAlgorithm.RS256), new ImmutableJWKSet<>(TestTokens.jwks()), Duration.ofMinutes(2), clock));

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        return TestTokens.with(TestTokens.logoutToken(NOW), change);
    }

    private void refused(String token, OidcErrorCode code) {
        assertThatThrownBy(() -> validator.validate(token)).isInstanceOf(OidcValidationException.class)
                .extracting(e -> ((OidcValidationException) e).code()).isEqualTo(code);
    }

    @Test
    void aLogoutTokenAsTheProviderIssuesItIsAccepted() throws Exception {
        LogoutTokenValidator.LogoutToken token = validator.validate(sign(claims(b -> b)));
        assertThat(token.subject()).isEqualTo("f3a1-alice");
        assertThat(token.sid()).isEqualTo("sid-1");
        assertThat(token.keepUntil()).isEqualTo(NOW.plusSeconds(120).plus(Duration.ofMinutes(2)));
        assertThat(validator.validate(sign(claims(b -> b.subject(null)))).sid()).isEqualTo("sid-1");
        assertThat(validator.validate(sign(claims(b -> b.claim("sid", null)))).subject()).isEqualTo("f3a1-alice");
    }

    @Test
    void withoutTheBackchannelLogoutEventItIsRefused() throws Exception {
        validator.validate(sign(claims(b -> b)));
        refused(sign(claims(b -> b.claim("events", null))), OidcErrorCode.EVENTS_MISSING);
        refused(sign(claims(b -> b.claim("events", Map.of("http://schemas.openid.net/event/other", Map.of())))),
                OidcErrorCode.EVENTS_MISSING);
        refused(sign(claims(b -> b.claim("events", Map.of(LogoutTokenValidator.BACKCHANNEL_LOGOUT_EVENT, "yes")))),
                OidcErrorCode.EVENTS_MISSING);
    }

    @Test
    void aLogoutTokenWithANonceIsRefused() throws Exception {
        validator.validate(sign(claims(b -> b)));
        refused(sign(claims(b -> b.claim("nonce", "n"))), OidcErrorCode.NONCE_PRESENT);
    }

    @Test
    void anIdTokenIsNoLogoutToken() {
        refused(sign(TestTokens.idToken(NOW, "n").build()), OidcErrorCode.EVENTS_MISSING);
    }

    @Test
    void neitherSubNorSidIsRefused() throws Exception {
        validator.validate(sign(claims(b -> b)));
        refused(sign(claims(b -> b.subject(null).claim("sid", null))), OidcErrorCode.LOGOUT_SUBJECT_MISSING);
    }

    @Test
    void aLogoutTokenWithoutJtiIsRefused() throws Exception {
        validator.validate(sign(claims(b -> b)));
        refused(sign(claims(b -> b.jwtID(null))), OidcErrorCode.JTI_MISSING);
    }

    @Test
    void signatureIssuerAudienceAndTimesAreCheckedAsForIdTokens() throws Exception {
        validator.validate(sign(claims(b -> b)));
        refused(TestTokens.unsigned(claims(b -> b)), OidcErrorCode.ALGORITHM_NOT_ALLOWED);
        refused(TestTokens.hmacWithPublicKey(claims(b -> b)), OidcErrorCode.ALGORITHM_NOT_ALLOWED);
        refused(sign(claims(b -> b), TestTokens.ATTACKER_KEY, JWSAlgorithm.RS256), OidcErrorCode.INVALID_SIGNATURE);
        refused(sign(claims(b -> b.issuer("https://evil.example.org"))), OidcErrorCode.ISSUER_MISMATCH);
        refused(sign(claims(b -> b.audience("other-app"))), OidcErrorCode.AUDIENCE_MISMATCH);
        refused(sign(claims(b -> b.expirationTime(Date.from(NOW.minus(Duration.ofMinutes(3)))))), OidcErrorCode.EXPIRED);
        refused(sign(claims(b -> b.issueTime(Date.from(NOW.plus(Duration.ofMinutes(3)))))), OidcErrorCode.NOT_YET_VALID);
    }

    @Test
    void withoutExpAnOldTokenIsRefused() throws Exception {
        validator.validate(sign(claims(b -> b.expirationTime(null).issueTime(Date.from(NOW.minus(Duration.ofMinutes(6)))))));
        refused(sign(claims(b -> b.expirationTime(null).issueTime(Date.from(NOW.minus(Duration.ofMinutes(8)))))),
                OidcErrorCode.EXPIRED);
    }
}
