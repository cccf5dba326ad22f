package dev.portcullis.oidcclient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.profile.UserProfile;
import org.pac4j.core.profile.creator.ProfileCreator;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.portcullis.config.RoleMapper;
import dev.portcullis.oidc.Claims;
import dev.portcullis.pac4j.RoleReport;
import dev.portcullis.pac4j.SamlProfile;
import dev.portcullis.session.SsoSession;

/**
 * Builds the session a validated ID token grants, the same {@link SsoSession} a SAML sign-in makes: the issuer in
 * the IdP field, sub as the NameID (format {@link SsoSession#OIDC_SUBJECT}), sid as the SessionIndex (for
 * back-channel logout), acr as the AuthnContextClassRef (for step-up), auth_time as the authentication instant, the
 * claims as attributes, the ID token itself (for id_token_hint at logout; never an attribute), the roles as the role policy grants them from roleAttributes ({@link RoleMapper}; what it
 * drops is reported). The session lasts sessionMaxLifetime: an ID token's exp bounds when the token may be
 * accepted, not the session. It refuses nothing: every rule is the authenticator's.
 */
final class OidcProfileCreator implements ProfileCreator {

    private final RoleMapper roles;
    private final List<String> claimNames;
    private final Duration maxLifetime;
    private final Clock clock;
    private final RoleReport roleReport;

    OidcProfileCreator(RoleMapper roles, List<String> claimNames, Duration maxLifetime, Clock clock, RoleReport roleReport) {
        this.roles = roles;
        this.claimNames = claimNames;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
        this.roleReport = roleReport;
    }

    @Override
    public Optional<UserProfile> create(CallContext ctx, Credentials credentials) {
        OidcCredentials oidc = (OidcCredentials) credentials;
        JWTClaimsSet claims = oidc.claims();
        Instant now = clock.instant();
        Map<String, List<String>> attributes = Claims.attributes(claims, claimNames);
        RoleMapper.Roles granted = roles.map(attributes);
        roleReport.report(granted, oidc.principal(), claims.getIssuer(), attributes.keySet(),
                ctx.webContext().getRemoteAddr(), oidc.correlationId());
        Object sid = claims.getClaim("sid");
        Object acr = claims.getClaim("acr");
        SsoSession session = new SsoSession(oidc.principal(), granted.granted(), attributes, claims.getIssuer(),
                claims.getSubject(), SsoSession.OIDC_SUBJECT, null, null, sid instanceof String s ? s : null,
                acr instanceof String a ? a : null, authTime(claims.getClaim("auth_time")), now, now, now.plus(maxLifetime),
                java.util.List.of(), oidc.idToken());
        return Optional.of(new SamlProfile(session, oidc.correlationId(), OidcClient.NAME));
    }

    private static Instant authTime(Object value) {
        if (value instanceof Date date) {
            return date.toInstant();
        }
        return value instanceof Number number ? Instant.ofEpochSecond(number.longValue()) : null;
    }
}
