package dev.portcullis.oidcclient;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.credentials.authenticator.Authenticator;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.portcullis.oidc.Claims;
import dev.portcullis.oidc.IdTokenExpectations;
import dev.portcullis.oidc.IdTokenValidator;
import dev.portcullis.oidc.OidcErrorCode;
import dev.portcullis.oidc.OidcValidationException;
import dev.portcullis.pac4j.LoginFailures;
import dev.portcullis.pac4j.RequestState;
import dev.portcullis.pac4j.StepUp;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.PendingLoginStore.SignIn;
import dev.portcullis.session.RelayStates.Purpose;

/**
 * Completes a sign-in at the redirect URI, in this order:
 * <ol>
 *   <li>an error from the provider is refused with its name ({@code oidc_provider_error});</li>
 *   <li>the state is a sign-in handle with its MAC under the valve's key, of a sign-in purpose, not older than
 *       loginRequestTimeout ({@code oidc_unknown_state}): CSRF on the redirect URI (RFC 6749 10.12, RFC 9700 4.7),
 *       and a state this valve never issued is refused before its code goes anywhere;</li>
 *   <li>the iss parameter, when sent (or promised by the provider), is the issuer (RFC 9207: a response from
 *       another provider, a mix-up, is refused before its code goes anywhere);</li>
 *   <li>the state is marked used in the replay cache, once across nodes ({@code oidc_state_replayed}), before the
 *       code goes anywhere: a replayed callback costs no request to the provider's token endpoint, so a client that
 *       holds one valid callback cannot make the valve send the provider one token request per replay. Only states
 *       with this valve's MAC get this far, so no one can fill the cache with states the valve never issued;</li>
 *   <li>the code is redeemed with the PKCE verifier derived from the state (RFC 7636): a code injected from another
 *       browser's sign-in does not redeem;</li>
 *   <li>the ID token passes every {@link dev.portcullis.oidc.IdTokenCheck}, with the nonce derived from the state
 *       and the acr values this sign-in's purpose asked for (step-up);</li>
 *   <li>the principal claim is present.</li>
 * </ol>
 * Every refusal is a 403 page with a correlation id, the code in the log and in a login_failure audit line.
 */
final class OidcCodeAuthenticator implements Authenticator {

    private final PendingLoginStore pending;
    private final TokenEndpoint tokens;
    private final IdTokenValidator validator;
    private final StepUp stepUp;
    private final String principalClaim;
    private final List<String> claimNames;
    private final boolean issParameterPromised;
    private final LoginFailures failures;

    OidcCodeAuthenticator(PendingLoginStore pending, TokenEndpoint tokens, IdTokenValidator validator, StepUp stepUp,
                          String principalClaim, List<String> claimNames, boolean issParameterPromised,
                          LoginFailures failures) {
        this.pending = pending;
        this.tokens = tokens;
        this.validator = validator;
        this.stepUp = stepUp;
        this.principalClaim = principalClaim;
        this.claimNames = claimNames;
        this.issParameterPromised = issParameterPromised;
        this.failures = failures;
    }

    @Override
    public Optional<Credentials> validate(CallContext ctx, Credentials credentials) {
        OidcCredentials oidc = (OidcCredentials) credentials;
        String issuer = validator.policy().issuer();
        String correlationId = failures.newCorrelationId();
        try {
            if (oidc.error() != null) {
                throw new OidcValidationException(OidcErrorCode.PROVIDER_ERROR, "the provider answered error ["
                        + printable(oidc.error()) + "] description [" + printable(oidc.errorDescription()) + "]");
            }
            String handle = OidcRedirections.handleOf(oidc.state());
            SignIn signIn = handle == null ? null : pending.signIn(handle).orElse(null);
            if (signIn == null || !OidcRedirections.authentic(oidc.state(), signIn.handle())) {
                throw new OidcValidationException(OidcErrorCode.UNKNOWN_STATE, "state is no sign-in handle this valve"
                        + " issues, or its loginRequestTimeout has passed");
            }
            if (oidc.iss() != null ? !issuer.equals(oidc.iss()) : issParameterPromised) {
                throw new OidcValidationException(OidcErrorCode.ISSUER_PARAMETER_MISMATCH, "iss parameter ["
                        + printable(oidc.iss()) + "] [expected " + issuer + "]");
            }
            if (!pending.consume(signIn.handle())) {
                throw new OidcValidationException(OidcErrorCode.STATE_REPLAYED, "this sign-in (state) has already been"
                        + " used");
            }
            boolean isStepUp = signIn.handle().purpose() == Purpose.STEP_UP;
            String idToken = tokens.redeem(oidc.code(), pending.secret(signIn.handle(), OidcRedirections.CODE_VERIFIER));
            JWTClaimsSet claims = validator.validate(idToken, new IdTokenExpectations(signIn.handle().messageId(),
                    stepUp.options(isStepUp ? Purpose.STEP_UP : Purpose.SIGN_IN).classRefs(), null,
                    signIn.handle().issuedAt()));
            String principal = principal(claims);
            oidc.validated(idToken, claims, principal, signIn.originalUrl(), correlationId, isStepUp);
            RequestState.of(ctx.webContext()).credentials(oidc);
            return Optional.of(oidc);
        } catch (OidcValidationException e) {
            throw failures.refuse(ctx.webContext(), e.code().code(), e.detail(), issuer, correlationId);
        }
    }

    /** The user name: the first value of principalAttribute's claim, else sub (validated present). */
    private String principal(JWTClaimsSet claims) throws OidcValidationException {
        if (principalClaim == null) {
            return claims.getSubject();
        }
        Map<String, List<String>> attributes = Claims.attributes(claims, claimNames);
        List<String> values = attributes.get(principalClaim);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            throw new OidcValidationException(OidcErrorCode.PRINCIPAL_MISSING, "no value for principalAttribute ["
                    + principalClaim + "] among the claims " + attributes.keySet());
        }
        return values.get(0);
    }

    /** What the provider (or whoever called the redirect URI) sent, fit for one log line. */
    private static String printable(String text) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("\\p{Cntrl}", " ");
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
