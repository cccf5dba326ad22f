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
import dev.portcullis.session.PendingLogin;
import dev.portcullis.session.PendingLoginStore;

/**
 * Validates a SAMLResponse against the pending login its RelayState names. The pending login is
 * taken (single use) before validation, so a response can complete at most one sign-in even when
 * it fails. A RelayState that names nothing is refused, unless unsolicited responses are enabled,
 * in which case the response must then be a genuinely unsolicited one (no InResponseTo).
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
            PendingLogin pending = null;
            if (saml.relayState() != null) {
                pending = pendingLogins.take(saml.relayState()).orElse(null);
                if (pending == null && !allowUnsolicited) {
                    throw new SamlValidationException(SamlErrorCode.UNKNOWN_RELAY_STATE, "RelayState names no pending"
                            + " sign-in (used, expired or never issued)");
                }
            }
            ValidatedAssertion assertion = sp.validator().validate(saml.samlResponse(), pending == null ? null : pending.requestId());
            List<String> required = pending == null ? stepUp.unsolicitedRequirement() : pending.requiredAuthnContexts();
            String used = assertion.authnContextClassRef();
            if (!required.isEmpty() && (used == null || !required.contains(used))) {
                throw new SamlValidationException(SamlErrorCode.AUTHN_CONTEXT_NOT_SATISFIED, "AuthnContextClassRef ["
                        + assertion.authnContextClassRef() + "] is not one of the required " + required);
            }
            saml.validated(assertion, pending, correlationId);
            ctx.webContext().setRequestAttribute(PendingLoginRedirects.CREDENTIALS, saml);
            return Optional.of(saml);
        } catch (SamlValidationException e) {
            throw failures.refuse(ctx.webContext(), e, sp.idp().entityId(), correlationId);
        }
    }
}
