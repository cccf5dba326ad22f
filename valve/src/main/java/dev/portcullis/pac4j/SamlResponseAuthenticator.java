package dev.portcullis.pac4j;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.credentials.authenticator.Authenticator;

import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.PendingLoginStore.SignIn;

/**
 * Validates a SAMLResponse against the sign-in its RelayState handle names: the Response must answer
 * the AuthnRequest sent with that handle (InResponseTo = the handle's MAC), within loginRequestTimeout,
 * and carry the authentication context that sign-in required. Only then is the handle marked used, so
 * each sign-in completes at most once, and only an IdP-signed Response can use one up. A RelayState that
 * is no handle is refused, unless unsolicited responses are enabled, in which case the response must
 * then be a genuinely unsolicited one (no InResponseTo).
 */
public final class SamlResponseAuthenticator implements Authenticator {

    private final Supplier<ServiceProvider> serviceProvider;
    private final PendingLoginStore pendingLogins;
    private final boolean allowUnsolicited;
    private final LoginFailures failures;
    private final StepUp stepUp;
    private final java.time.Clock clock;

    public SamlResponseAuthenticator(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pendingLogins,
                                     boolean allowUnsolicited, LoginFailures failures, StepUp stepUp, java.time.Clock clock) {
        this.serviceProvider = serviceProvider;
        this.pendingLogins = pendingLogins;
        this.allowUnsolicited = allowUnsolicited;
        this.failures = failures;
        this.stepUp = stepUp;
        this.clock = clock;
    }

    @Override
    public Optional<Credentials> validate(CallContext ctx, Credentials credentials) {
        SamlCredentials saml = (SamlCredentials) credentials;
        ServiceProvider sp = serviceProvider.get();
        String correlationId = failures.newCorrelationId();
        try {
            java.time.Instant validUntil = sp.idp().validUntil();
            if (validUntil != null && !clock.instant().isBefore(validUntil)) {
                throw new SamlValidationException(SamlErrorCode.IDP_METADATA_EXPIRED, "IdP metadata validUntil [" + validUntil
                        + "] has passed");
            }
            SignIn signIn = null;
            if (saml.relayState() != null) {
                signIn = pendingLogins.signIn(saml.relayState()).orElse(null);
                if (signIn == null && !allowUnsolicited) {
                    throw new SamlValidationException(SamlErrorCode.UNKNOWN_RELAY_STATE, "RelayState is no sign-in handle"
                            + " this valve issues, or its loginRequestTimeout has passed");
                }
            }
            // InResponseTo must equal the MAC of the handle: the proof that this valve started this sign-in.
            ValidatedAssertion assertion = sp.validator().validate(saml.samlResponse(),
                    signIn == null ? null : signIn.handle().messageId());
            List<String> required = stepUp.requirement(signIn == null ? null : signIn.handle().purpose());
            String used = assertion.authnContextClassRef();
            if (!required.isEmpty() && (used == null || !required.contains(used))) {
                throw new SamlValidationException(SamlErrorCode.AUTHN_CONTEXT_NOT_SATISFIED, "AuthnContextClassRef ["
                        + assertion.authnContextClassRef() + "] is not one of the required " + required);
            }
            if (signIn != null && !pendingLogins.consume(signIn.handle())) {
                throw new SamlValidationException(SamlErrorCode.UNKNOWN_RELAY_STATE, "this sign-in (RelayState) has"
                        + " already been completed by another response");
            }
            saml.validated(assertion, signIn == null ? null : signIn.originalUrl(), correlationId);
            RequestState.of(ctx.webContext()).credentials(saml);
            return Optional.of(saml);
        } catch (SamlValidationException e) {
            throw failures.refuse(ctx.webContext(), e, sp.idp().entityId(), correlationId);
        }
    }
}
