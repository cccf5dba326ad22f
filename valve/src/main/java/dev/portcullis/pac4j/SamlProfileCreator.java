package dev.portcullis.pac4j;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.profile.UserProfile;
import org.pac4j.core.profile.creator.ProfileCreator;

import dev.portcullis.config.RoleMapper;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.session.SsoSession;

/**
 * Builds the session a validated assertion grants: the principal the validator took (its
 * {@code principal} step: the NameID, or principalAttribute), the roles the role policy grants from
 * the role attributes ({@link RoleMapper}; what it drops is reported by {@link RoleReport}), and the
 * deadline, which is the earlier of sessionMaxLifetime and the IdP's SessionNotOnOrAfter. It refuses
 * nothing: every rule a Response must pass is the validator's.
 */
public final class SamlProfileCreator implements ProfileCreator {

    private final RoleMapper roles;
    private final Duration maxLifetime;
    private final Clock clock;
    private final RoleReport roleReport;

    public SamlProfileCreator(RoleMapper roles, Duration maxLifetime, Clock clock, RoleReport roleReport) {
        this.roles = roles;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
        this.roleReport = roleReport;
    }

    @Override
    public Optional<UserProfile> create(CallContext ctx, Credentials credentials) {
        SamlCredentials saml = (SamlCredentials) credentials;
        ValidatedAssertion assertion = saml.assertion();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(maxLifetime);
        if (assertion.sessionNotOnOrAfter() != null && assertion.sessionNotOnOrAfter().isBefore(expiresAt)) {
            expiresAt = assertion.sessionNotOnOrAfter();
        }
        // The role policy (RoleMapper) decides here, where roles are made; identity headers and the principal
        // both carry only what it granted. What it dropped, and absent role attributes, are logged and audited.
        RoleMapper.Roles granted = roles.map(assertion.attributes());
        roleReport.report(granted, assertion.principal(), assertion.issuer(), assertion.attributes().keySet(),
                ctx.webContext().getRemoteAddr(), saml.correlationId());
        SsoSession session = new SsoSession(assertion.principal(), granted.granted(), assertion.attributes(),
                assertion.issuer(), assertion.nameId(), assertion.nameIdFormat(), assertion.nameQualifier(),
                assertion.spNameQualifier(), assertion.sessionIndex(), assertion.authnContextClassRef(),
                assertion.authnInstant(), now, now, expiresAt);
        return Optional.of(new SamlProfile(session, saml.correlationId()));
    }
}
