package dev.portcullis.oidc;

import java.time.Duration;
import java.time.Instant;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * Runs {@link LogoutTokenCheck} in order and returns what the logout token names. Thread-safe.
 */
public final class LogoutTokenValidator {

    /** The event a logout token carries (OpenID Connect Back-Channel Logout 1.0 section 2.4). */
    public static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

    /**
     * How long after its iat a logout token without exp is accepted (and its jti remembered): the provider posts it
     * at once, so minutes are plenty, and the bound keeps the replay cache's memory of jtis finite.
     */
    public static final Duration MAX_AGE_WITHOUT_EXP = Duration.ofMinutes(5);

    /**
     * A validated logout token.
     *
     * @param subject   sub, or null
     * @param sid       sid, or null (at least one of the two is present)
     * @param jti       the token's id, to be used once
     * @param issuedAt  iat
     * @param keepUntil until when its jti must be remembered: the last instant the token is accepted
     */
    public record LogoutToken(String issuer, String subject, String sid, String jti, Instant issuedAt, Instant keepUntil) {
    }

    private final TokenPolicy policy;

    public LogoutTokenValidator(TokenPolicy policy) {
        this.policy = policy;
    }

    /** @throws OidcValidationException with the code of the first step that failed */
    public LogoutToken validate(String logoutToken) throws OidcValidationException {
        SignedToken token = new SignedToken(logoutToken, policy);
        for (LogoutTokenCheck check : LogoutTokenCheck.values()) {
            check.check(token);
        }
        JWTClaimsSet claims = token.claims();
        Instant issuedAt = claims.getIssueTime().toInstant();
        Instant keepUntil = (claims.getExpirationTime() != null ? claims.getExpirationTime().toInstant()
                : issuedAt.plus(MAX_AGE_WITHOUT_EXP)).plus(policy.clockSkew());
        if (claims.getExpirationTime() == null && !token.now().isBefore(keepUntil)) {
            throw new OidcValidationException(OidcErrorCode.EXPIRED, "iat [" + issuedAt + "] is more than "
                    + MAX_AGE_WITHOUT_EXP.toMinutes() + " minutes ago and the token has no exp");
        }
        return new LogoutToken(claims.getIssuer(), claims.getSubject(), token.string("sid"), claims.getJWTID(), issuedAt,
                keepUntil);
    }
}
