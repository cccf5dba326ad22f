package dev.portcullis.pac4j;

import java.util.List;

import org.pac4j.core.client.Client;
import org.pac4j.core.context.CallContext;
import org.pac4j.core.engine.DefaultSecurityLogic;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.profile.UserProfile;

/**
 * pac4j's security logic with one change: when the only reason to refuse a signed-in user is that the
 * path needs a stronger sign-in ({@link StepUp}), the user is sent back to the IdP asking for it
 * instead of getting 403. A script gets 401 as for any sign-in.
 */
public final class PortcullisSecurityLogic extends DefaultSecurityLogic {

    private final StepUp stepUp;

    public PortcullisSecurityLogic(StepUp stepUp) {
        this.stepUp = stepUp;
    }

    @Override
    protected HttpAction forbidden(CallContext ctx, List<Client> currentClients, List<UserProfile> profiles,
                                   String authorizers) {
        String path = ctx.webContext().getPath();
        boolean stepUpNeeded = profiles.stream().anyMatch(p -> p instanceof SamlProfile saml && stepUp.needed(path, saml.session()));
        if (stepUpNeeded && startAuthentication(ctx, currentClients)) {
            RequestState.of(ctx.webContext()).stepUp(true);
            saveRequestedUrl(ctx, currentClients, new NavigationRequestResolver());
            return redirectToIdentityProvider(ctx, currentClients);
        }
        return super.forbidden(ctx, currentClients, profiles, authorizers);
    }
}
