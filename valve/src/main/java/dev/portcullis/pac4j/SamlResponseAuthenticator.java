package dev.portcullis.pac4j;

import java.util.Optional;
import java.util.function.Supplier;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.credentials.authenticator.Authenticator;

import dev.portcullis.saml.ResponseInput;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.PendingLoginStore.SignIn;
import dev.portcullis.session.RelayStates.Purpose;

/**
 * Turns the RelayState into what the Response must answer, hands both to the validator, and marks the
 * sign-in used. Every rule the Response itself must pass is a {@code ResponseStep} of
 * {@link dev.portcullis.saml.ResponseValidator}, run here exactly as saml-inspect runs it; this class
 * only supplies the per-request input:
 * <ul>
 *   <li>the RelayState handle proves a sign-in this valve started, of a purpose and not older than
 *       loginRequestTimeout ({@link PendingLoginStore}, which needs the valve's key and cache); its
 *       MAC is the AuthnRequest ID the Response's InResponseTo must equal, and a step-up handle makes
 *       stepUpAuthnContext the requirement. A RelayState that is no handle is refused, unless
 *       unsolicited responses are enabled; the Response must then be a genuinely unsolicited one;</li>
 *   <li>after validation the handle is marked used, so each sign-in completes at most once, and only
 *       an IdP-signed Response can use one up.</li>
 * </ul>
 */
public final class SamlResponseAuthenticator implements Authenticator {

    private final Supplier<ServiceProvider> serviceProvider;
    private final PendingLoginStore pendingLogins;
    private final boolean allowUnsolicited;
    private final LoginFailures failures;

    public SamlResponseAuthenticator(Supplier<ServiceProvider> serviceProvider, PendingLoginStore pendingLogins,
                                     boolean allowUnsolicited, LoginFailures failures) {
        this.serviceProvider = serviceProvider;
        this.pendingLogins = pendingLogins;
        this.allowUnsolicited = allowUnsolicited;
        this.failures = failures;
    }

    @Override
    public Optional<Credentials> validate(CallContext ctx, Credentials credentials) {
        SamlCredentials saml = (SamlCredentials) credentials;
        ServiceProvider sp = serviceProvider.get();
        String correlationId = failures.newCorrelationId();
        try {
            SignIn signIn = null;
            if (saml.relayState() != null) {
                signIn = pendingLogins.signIn(saml.relayState()).orElse(null);
                if (signIn == null && !allowUnsolicited) {
                    throw new SamlValidationException(SamlErrorCode.UNKNOWN_RELAY_STATE, "RelayState is no sign-in handle"
                            + " this valve issues, or its loginRequestTimeout has passed");
                }
            }
            // InResponseTo must equal the MAC of the handle: the proof that this valve started this sign-in.
            ValidatedAssertion assertion = sp.validator().validate(new ResponseInput(saml.samlResponse(),
                    signIn == null ? null : signIn.handle().messageId(),
                    signIn != null && signIn.handle().purpose() == Purpose.STEP_UP));
            if (signIn != null && !pendingLogins.consume(signIn.handle())) {
                throw new SamlValidationException(SamlErrorCode.UNKNOWN_RELAY_STATE, "this sign-in (RelayState) has"
                        + " already been completed by another response");
            }
            saml.validated(assertion, signIn == null ? null : signIn.originalUrl(), correlationId,
                    signIn != null && signIn.handle().purpose() == Purpose.STEP_UP);
            RequestState.of(ctx.webContext()).credentials(saml);
            return Optional.of(saml);
        } catch (SamlValidationException e) {
            throw failures.refuse(ctx.webContext(), e, sp.idp().entityId(), correlationId);
        }
    }
}
