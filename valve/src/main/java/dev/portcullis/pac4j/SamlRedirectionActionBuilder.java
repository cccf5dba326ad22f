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

/**
 * Starts a sign-in: a new RelayState handle (whose MAC is the AuthnRequest ID, see
 * {@link dev.portcullis.session.RelayStates}) with where the user was going remembered under it, then
 * the browser goes to the IdP with an AuthnRequest (signed as signAuthnRequests says). A client address
 * over signInRateLimit gets 429 instead, before any of that is done ({@link SignInStart}).
 */
public final class SamlRedirectionActionBuilder implements RedirectionActionBuilder {

    private final Supplier<ServiceProvider> serviceProvider;
    private final SignInStart start;
    private final Clock clock;
    private final StepUp stepUp;

    public SamlRedirectionActionBuilder(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pendingLogins,
                                        String defaultLandingPath, Clock clock, StepUp stepUp, SignInLimiter limiter) {
        this.serviceProvider = serviceProvider;
        this.start = new SignInStart(pendingLogins, limiter, defaultLandingPath);
        this.clock = clock;
        this.stepUp = stepUp;
    }

    @Override
    public Optional<RedirectionAction> getRedirectionAction(CallContext ctx) {
        SignInStart.Started started = start.begin(ctx.webContext());
        Handle handle = started.handle();
        OutboundMessage message = serviceProvider.get().authnRequest(handle.messageId(), handle.value(), clock.instant(),
                stepUp.options(started.purpose()));
        return Optional.of(message.isRedirect() ? new FoundAction(message.location()) : new AutoPostAction(message));
    }
}
