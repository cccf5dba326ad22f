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
import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.SsoSession;

/**
 * Central logout for pac4j's logout logic: a signed LogoutRequest for the user's session (its NameID
 * exactly as the IdP issued it, and its SessionIndex), sent with a logout RelayState handle whose MAC
 * is the request's ID, so that the IdP's LogoutResponse can be checked without stored state. Nothing when the IdP offers no Single
 * Logout: the logout then stays local, and the signed-out page says so.
 */
public final class SamlLogoutActionBuilder implements LogoutActionBuilder {

    private final Supplier<ServiceProvider> serviceProvider;
    private final PendingLoginStore pending;
    private final Clock clock;

    public SamlLogoutActionBuilder(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pending, Clock clock) {
        this.serviceProvider = serviceProvider;
        this.pending = pending;
        this.clock = clock;
    }

    @Override
    public Optional<RedirectionAction> getLogoutAction(CallContext ctx, UserProfile currentProfile, String targetUrl) {
        ServiceProvider sp = serviceProvider.get();
        if (!(currentProfile instanceof SamlProfile profile) || !sp.offersSingleLogout() || profile.session().nameId() == null) {
            return Optional.empty();
        }
        SsoSession session = profile.session();
        Handle handle = pending.startLogout();
        return Optional.of(new LogoutContinueAction(sp.logoutRequest(handle.messageId(), clock.instant(), session.nameId(),
                session.nameIdFormat(), session.nameQualifier(), session.spNameQualifier(), session.sessionIndex(),
                handle.value())));
    }
}
