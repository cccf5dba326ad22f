package dev.portcullis.pac4j;

import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.exception.http.FoundAction;
import org.pac4j.core.exception.http.RedirectionAction;
import org.pac4j.core.redirect.RedirectionActionBuilder;

import dev.portcullis.saml.OutboundMessage;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.RelayStates.Purpose;

/**
 * Starts a sign-in: a new RelayState handle (whose MAC is the AuthnRequest ID, see
 * {@link dev.portcullis.session.RelayStates}) with where the user was going remembered under it, then
 * the browser goes to the IdP with an AuthnRequest (signed as signAuthnRequests says). A client address
 * over signInRateLimit gets 429 instead, before any of that is done ({@link SignInLimiter}).
 */
public final class SamlRedirectionActionBuilder implements RedirectionActionBuilder {

    /** Longest original URL remembered; a longer one lands on the default page instead. */
    static final int MAX_ORIGINAL_URL = 2048;

    private final Supplier<ServiceProvider> serviceProvider;
    private final PendingLoginStore pendingLogins;
    private final String defaultLandingPath;
    private final Clock clock;
    private final StepUp stepUp;
    private final SignInLimiter limiter;

    public SamlRedirectionActionBuilder(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pendingLogins,
                                        String defaultLandingPath, Clock clock, StepUp stepUp, SignInLimiter limiter) {
        this.serviceProvider = serviceProvider;
        this.pendingLogins = pendingLogins;
        this.defaultLandingPath = defaultLandingPath;
        this.clock = clock;
        this.stepUp = stepUp;
        this.limiter = limiter;
    }

    @Override
    public Optional<RedirectionAction> getRedirectionAction(CallContext ctx) {
        // Issue 10: a sign-in start is work an anonymous client orders at will (a cache entry, an AuthnRequest,
        // perhaps a signature), so it is rationed per client address before any of it is done.
        SignInLimiter.Decision decision = limiter.acquire(ctx.webContext().getRemoteAddr());
        if (!decision.allowed()) {
            String accept = ctx.webContext().getRequestHeader("Accept").orElse("");
            throw new TooManySignInsAction(decision.retryAfterSeconds(),
                    accept.contains("text/html") || accept.contains("application/xhtml+xml"));
        }
        RequestState state = RequestState.of(ctx.webContext());
        String original = state.requestedUrl() != null ? state.requestedUrl() : defaultLandingPath;
        if (!PendingLoginRedirects.isLocalPath(original) || original.length() > MAX_ORIGINAL_URL) {
            original = defaultLandingPath;
        }
        boolean isStepUp = state.stepUp();
        Handle handle = pendingLogins.startSignIn(isStepUp ? Purpose.STEP_UP : Purpose.SIGN_IN, original);
        OutboundMessage message = serviceProvider.get().authnRequest(handle.messageId(), handle.value(), clock.instant(),
                stepUp.options(isStepUp ? Purpose.STEP_UP : Purpose.SIGN_IN));
        return Optional.of(message.isRedirect() ? new FoundAction(message.location()) : new AutoPostAction(message));
    }
}
