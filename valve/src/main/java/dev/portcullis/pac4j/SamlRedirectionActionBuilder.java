package dev.portcullis.pac4j;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.exception.http.FoundAction;
import org.pac4j.core.exception.http.RedirectionAction;
import org.pac4j.core.redirect.RedirectionActionBuilder;

import dev.portcullis.saml.AuthnRequestOptions;
import dev.portcullis.saml.OutboundMessage;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.SessionIds;

/**
 * Starts a sign-in: records a pending login (AuthnRequest ID, where the user was going) under a
 * random RelayState handle, then sends the browser to the IdP with a (signed) AuthnRequest.
 */
public final class SamlRedirectionActionBuilder implements RedirectionActionBuilder {

    /** Longest original URL remembered; a longer one lands on the default page instead. */
    static final int MAX_ORIGINAL_URL = 2048;

    private final Supplier<ServiceProvider> serviceProvider;
    private final PendingLoginStore pendingLogins;
    private final SessionIds ids;
    private final String defaultLandingPath;
    private final Clock clock;
    private final StepUp stepUp;

    public SamlRedirectionActionBuilder(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pendingLogins,
                                        SessionIds ids, String defaultLandingPath, Clock clock, StepUp stepUp) {
        this.serviceProvider = serviceProvider;
        this.pendingLogins = pendingLogins;
        this.ids = ids;
        this.defaultLandingPath = defaultLandingPath;
        this.clock = clock;
        this.stepUp = stepUp;
    }

    @Override
    public Optional<RedirectionAction> getRedirectionAction(CallContext ctx) {
        Object requested = ctx.webContext().getRequestAttribute(PendingLoginRedirects.REQUESTED_URL).orElse(null);
        String original = requested instanceof String url ? url : defaultLandingPath;
        if (!PendingLoginRedirects.isLocalPath(original) || original.length() > MAX_ORIGINAL_URL) {
            original = defaultLandingPath;
        }
        AuthnRequestOptions options = stepUp.options(ctx.webContext());
        String requestId = "_" + ids.newToken(20);
        String relayState = pendingLogins.create(requestId, original, options.classRefs());
        OutboundMessage message = serviceProvider.get().authnRequest(requestId, relayState, clock.instant(), options);
        return Optional.of(message.isRedirect() ? new FoundAction(message.location()) : new AutoPostAction(message));
    }
}
