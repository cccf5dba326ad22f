package dev.portcullis.oidcclient;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.exception.http.FoundAction;
import org.pac4j.core.exception.http.RedirectionAction;
import org.pac4j.core.logout.LogoutActionBuilder;
import org.pac4j.core.profile.UserProfile;

import dev.portcullis.pac4j.SamlProfile;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates.Handle;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) after the local session has ended: the browser goes
 * to the provider's end_session_endpoint with id_token_hint (the ID token the session was made from, which names
 * the provider's session; RP-Initiated Logout 1.0 section 2 recommends it, and without it providers such as Keycloak
 * ask the user to confirm), client_id, post_logout_redirect_uri (the signed-out page, or logoutLandingPath) and a
 * state that is a fresh logout handle; the signed-out page reports the provider's logout as complete only when that
 * state comes back, once. Nothing when the provider has no end_session_endpoint: the logout
 * stays local, and the signed-out page says so.
 */
final class OidcLogoutActionBuilder implements LogoutActionBuilder {

    private final URI endSessionEndpoint;
    private final String clientId;
    private final String postLogoutRedirectUri;
    private final PendingLoginStore pending;

    OidcLogoutActionBuilder(URI endSessionEndpoint, String clientId, String postLogoutRedirectUri, PendingLoginStore pending) {
        this.endSessionEndpoint = endSessionEndpoint;
        this.clientId = clientId;
        this.postLogoutRedirectUri = postLogoutRedirectUri;
        this.pending = pending;
    }

    @Override
    public Optional<RedirectionAction> getLogoutAction(CallContext ctx, UserProfile currentProfile, String targetUrl) {
        if (endSessionEndpoint == null) {
            return Optional.empty();
        }
        Handle handle = pending.startLogout();
        String base = endSessionEndpoint.toString();
        String idToken = currentProfile instanceof SamlProfile profile ? profile.session().idToken() : null;
        String url = base + (base.contains("?") ? "&" : "?") + (idToken == null ? "" : "id_token_hint=" + encode(idToken) + "&")
                + "client_id=" + encode(clientId)
                + "&post_logout_redirect_uri=" + encode(postLogoutRedirectUri) + "&state=" + encode(handle.value());
        return Optional.of(new FoundAction(url));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
