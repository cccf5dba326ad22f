package dev.portcullis.pac4j;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.exception.http.RedirectionAction;
import org.pac4j.core.logout.LogoutActionBuilder;
import org.pac4j.core.profile.UserProfile;

import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SsoSession;

/**
 * Central logout for pac4j's logout logic: a signed LogoutRequest for the user's session (its NameID
 * exactly as the IdP issued it, and its SessionIndex), with a pending-logout record behind the
 * RelayState so that the IdP's LogoutResponse can be checked. Nothing when the IdP offers no Single
 * Logout: the logout then stays local, and the signed-out page says so.
 */
public final class SamlLogoutActionBuilder implements LogoutActionBuilder {

    private final Supplier<ServiceProvider> serviceProvider;
    private final PendingLoginStore pending;
    private final SessionIds ids;
    private final Clock clock;
    private final String landingUrl;

    public SamlLogoutActionBuilder(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pending, SessionIds ids,
                                   Clock clock, String landingUrl) {
        this.serviceProvider = serviceProvider;
        this.pending = pending;
        this.ids = ids;
        this.clock = clock;
        this.landingUrl = landingUrl;
    }

    @Override
    public Optional<RedirectionAction> getLogoutAction(CallContext ctx, UserProfile currentProfile, String targetUrl) {
        ServiceProvider sp = serviceProvider.get();
        if (!(currentProfile instanceof SamlProfile profile) || !sp.offersSingleLogout() || profile.session().nameId() == null) {
            return Optional.empty();
        }
        SsoSession session = profile.session();
        String requestId = "_" + ids.newToken(20);
        String relayState = pending.createLogout(requestId, landingUrl);
        return Optional.of(new LogoutContinueAction(sp.logoutRequest(requestId, clock.instant(), session.nameId(),
                session.nameIdFormat(), session.nameQualifier(), session.spNameQualifier(), session.sessionIndex(),
                relayState)));
    }
}
