package dev.portcullis.devoidc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.nimbusds.jwt.JWTClaimsSet;

import dev.portcullis.devidp.Html;
import dev.portcullis.devidp.SessionCookie;

/**
 * {@code GET} / {@code POST /end_session}: RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0).
 * Checks, in this order:
 * <ol>
 *   <li>{@code id_token_hint}, when sent, is an ID token this provider issued to its client (signature,
 *       issuer, audience; an expired one is fine, section 2);</li>
 *   <li>{@code client_id}, when sent, is the client, and the hint's audience contains it (section 2);</li>
 *   <li>{@code post_logout_redirect_uri}, when sent, equals the one registered for the client named by
 *       the hint or {@code client_id}; with neither, it is refused (section 3: the OP must know which
 *       client's registration to check it against, or it would be an open redirector).</li>
 * </ol>
 * When the hint names this browser's session (its sid), the session ends at once; otherwise the user is
 * asked to confirm (section 2 recommends asking when the OP cannot tell the logout was the user's wish).
 * Then the browser goes to the post-logout redirect URI with the client's {@code state}, or sees a
 * signed-out page. Thread-safe.
 */
final class EndSessionEndpoint {

    private static final System.Logger LOG = System.getLogger(EndSessionEndpoint.class.getName());

    private final TokenSigner signer;
    private final ExpiringStore<OpSession> sessions;
    private final SessionCookie cookie;
    private final String clientId;
    private final String postLogoutRedirectUri;

    EndSessionEndpoint(DevOidcConfig config, TokenSigner signer, ExpiringStore<OpSession> sessions, SessionCookie cookie) {
        this.signer = signer;
        this.sessions = sessions;
        this.cookie = cookie;
        this.clientId = config.clientId();
        this.postLogoutRedirectUri = config.postLogoutRedirectUri().orElse(null);
    }

    void endSession(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String hint = parameter(request, "id_token_hint");
        String client = parameter(request, "client_id");
        String redirect = parameter(request, "post_logout_redirect_uri");
        String state = parameter(request, "state");
        Optional<JWTClaimsSet> hinted = Optional.empty();
        try {
            if (hint != null) {
                hinted = signer.ownIdToken(hint);
                if (hinted.isEmpty()) {
                    throw new OidcRejected(OidcRejection.INVALID_ID_TOKEN_HINT, "the id_token_hint is not one of this provider's"
                            + " ID tokens for client [" + clientId + "]");
                }
            }
            if (client != null && !clientId.equals(client)) {
                throw new OidcRejected(OidcRejection.UNKNOWN_CLIENT, "expected client_id [" + clientId + "], got [" + client + "]");
            }
            if (redirect != null && (hint == null && client == null || !redirect.equals(postLogoutRedirectUri))) {
                throw new OidcRejected(OidcRejection.WRONG_POST_LOGOUT_REDIRECT_URI, "expected post_logout_redirect_uri ["
                        + postLogoutRedirectUri + "], got [" + redirect + "]" + (hint == null && client == null
                        ? " without id_token_hint or client_id" : ""));
            }
        } catch (OidcRejected e) {
            AuthorizationEndpoint.refuse(response, e);
            return;
        }
        String token = cookie.read(request);
        Optional<OpSession> session = sessions.find(token);
        String hintedSid = hinted.map(claims -> claims.getClaim("sid")).map(Object::toString).orElse(null);
        boolean confirmed = "POST".equals(request.getMethod()) && "yes".equals(request.getParameter("confirm"));
        if (session.isPresent() && !confirmed && !session.get().sid().equals(hintedSid)) {
            Map<String, String> fields = new LinkedHashMap<>();
            putIfPresent(fields, "id_token_hint", hint);
            putIfPresent(fields, "client_id", client);
            putIfPresent(fields, "post_logout_redirect_uri", redirect);
            putIfPresent(fields, "state", state);
            OidcPages.confirmLogout(response, session.get().user().username(), fields);
            return;
        }
        String username = null;
        if (session.isPresent()) {
            sessions.take(token);
            username = session.get().user().username();
        }
        cookie.clear(response);
        LOG.log(Level.INFO, "Development OIDC provider: RP-initiated logout of [{0}]{1}", username,
                redirect == null ? "" : ", back to [" + redirect + "]");
        if (redirect == null) {
            OidcPages.signedOut(response, username);
            return;
        }
        Html.redirect(response, state == null ? redirect
                : redirect + (redirect.contains("?") ? '&' : '?') + "state=" + AuthorizationEndpoint.encode(state));
    }

    private static String parameter(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static void putIfPresent(Map<String, String> fields, String name, String value) {
        if (value != null) {
            fields.put(name, value);
        }
    }
}
