package dev.portcullis.oidcclient;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.exception.http.FoundAction;
import org.pac4j.core.exception.http.RedirectionAction;
import org.pac4j.core.redirect.RedirectionActionBuilder;

import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.claims.ACR;

import dev.portcullis.pac4j.SignInLimiter;
import dev.portcullis.pac4j.SignInStart;
import dev.portcullis.pac4j.StepUp;
import dev.portcullis.saml.AuthnRequestOptions;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates.Handle;

/**
 * Starts a sign-in: the authorization code flow (OpenID Connect Core 1.0 section 3.1.2.1) with PKCE S256. Nothing
 * about it is stored for the browser; everything the callback needs follows from the state:
 * <ul>
 *   <li>{@code state} is a new sign-in handle ({@link dev.portcullis.session.RelayStates}: purpose, issue time,
 *       128 random bits), with where the user was going remembered under it (a hint only), followed by the
 *       handle's MAC under the valve's key ({@link #state}), so that the callback knows a state it issued before it
 *       sends a code anywhere;</li>
 *   <li>{@code nonce} is the handle's MAC under the valve's key, so the ID token's nonce proves that the token was
 *       issued for the authorization request this valve made with this state (OIDC Core 3.1.3.7 step 11);</li>
 *   <li>the PKCE code verifier is a second MAC of the handle, never sent with it: only its S256 challenge goes to
 *       the provider, so a code intercepted on its way back cannot be redeemed without the valve's key (RFC 7636).</li>
 * </ul>
 * The key comes from the SP key, else from the client secret, so every node derives the same values and a sign-in
 * may finish on any node; with neither (private_key_jwt needs an SP key), nothing else is possible. A step-up sends acr_values=stepUpAuthnContext; forceAuthn sends prompt=login,
 * passive prompt=none. A client address over signInRateLimit gets 429 before any of this is done ({@link SignInStart}).
 */
final class OidcRedirections implements RedirectionActionBuilder {

    /** Label of the PKCE code verifier derived from a handle. */
    static final String CODE_VERIFIER = "oidc-pkce-code-verifier";

    private final URI authorizationEndpoint;
    private final ClientID clientId;
    private final Scope scope;
    private final URI redirectUri;
    private final PendingLoginStore pending;
    private final SignInStart start;
    private final StepUp stepUp;

    OidcRedirections(URI authorizationEndpoint, String clientId, List<String> scopes, URI redirectUri,
                     PendingLoginStore pending, StepUp stepUp, SignInLimiter limiter, String defaultLandingPath) {
        this.authorizationEndpoint = authorizationEndpoint;
        this.clientId = new ClientID(clientId);
        this.scope = new Scope(scopes.toArray(new String[0]));
        this.redirectUri = redirectUri;
        this.pending = pending;
        this.start = new SignInStart(pending, limiter, defaultLandingPath);
        this.stepUp = stepUp;
    }

    @Override
    public Optional<RedirectionAction> getRedirectionAction(CallContext ctx) {
        SignInStart.Started started = start.begin(ctx.webContext());
        return Optional.of(new FoundAction(request(started.handle(), stepUp.options(started.purpose())).toURI().toString()));
    }

    /** The state sent for a handle: the handle, a dot, and its MAC (without the leading underscore). */
    static String state(Handle handle) {
        return handle.value() + "." + handle.messageId().substring(1);
    }

    /** The handle part of a state, or null when it has no MAC part. */
    static String handleOf(String state) {
        int dot = state == null ? -1 : state.indexOf('.');
        return dot <= 0 ? null : state.substring(0, dot);
    }

    /** Whether a state carries the MAC of the handle it names (compared in constant time). */
    static boolean authentic(String state, Handle handle) {
        return java.security.MessageDigest.isEqual(state(handle).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                state.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    AuthenticationRequest request(Handle handle, AuthnRequestOptions options) {
        AuthenticationRequest.Builder request = new AuthenticationRequest.Builder(ResponseType.CODE, scope, clientId,
                redirectUri)
                .endpointURI(authorizationEndpoint)
                .state(new State(state(handle)))
                .nonce(new Nonce(handle.messageId()))
                .codeChallenge(new CodeVerifier(pending.secret(handle, CODE_VERIFIER)), CodeChallengeMethod.S256);
        if (!options.classRefs().isEmpty()) {
            request.acrValues(options.classRefs().stream().map(ACR::new).toList());
        }
        if (options.passive()) {
            request.prompt(new Prompt(Prompt.Type.NONE));
        } else if (options.forceAuthn()) {
            request.prompt(new Prompt(Prompt.Type.LOGIN));
        }
        return request.build();
    }
}
