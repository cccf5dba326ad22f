package dev.portcullis.devoidc;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.portcullis.devidp.DevUser;
import dev.portcullis.devidp.SessionCookie;

/** The development OIDC provider's endpoints, one small servlet each; the work is done by their collaborators. */
final class OidcServlets {

    private OidcServlets() {
    }

    /** {@code GET /}: says what this is, lists the users with their "sign out everywhere" buttons. */
    static final class Home extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String issuer;
        private final DevOidcConfig config;
        private final ExpiringStore<OpSession> sessions;
        private final SessionCookie cookie;

        Home(String issuer, DevOidcConfig config, ExpiringStore<OpSession> sessions, SessionCookie cookie) {
            this.issuer = issuer;
            this.config = config;
            this.sessions = sessions;
            this.cookie = cookie;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!"/".equals(request.getServletPath()) || request.getPathInfo() != null) {
                OidcPages.error(response, 404, "There is nothing at this address.");
                return;
            }
            Collection<DevUser> users = config.users().values();
            OidcPages.home(response, issuer, config.clientId(), users,
                    sessions.find(cookie.read(request)).map(OpSession::user).orElse(null),
                    config.backchannelLogoutUri().orElse(null));
        }
    }

    /** A JSON document prepared once at start: discovery, JWKS. */
    static final class Document extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String json;

        Document(String json) {
            this.json = json;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            OidcPages.json(response, 200, json);
        }
    }

    /** {@code GET} and {@code POST /authorize}. */
    static final class Authorize extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final AuthorizationEndpoint endpoint;

        Authorize(AuthorizationEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            endpoint.authorize(request, response);
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            endpoint.authorize(request, response);
        }
    }

    /** {@code POST /login}: the login form's target. */
    static final class Login extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final AuthorizationEndpoint endpoint;

        Login(AuthorizationEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            endpoint.login(request, response);
        }
    }

    /** {@code POST /token}. */
    static final class Token extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final TokenEndpoint endpoint;

        Token(TokenEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            endpoint.token(request, response);
        }
    }

    /** {@code GET} and {@code POST /userinfo} with a Bearer access token (OpenID Connect Core 1.0 section 5.3). */
    static final class UserInfo extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final ExpiringStore<Map<String, Object>> accessTokens;

        UserInfo(ExpiringStore<Map<String, Object>> accessTokens) {
            this.accessTokens = accessTokens;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String authorization = request.getHeader("Authorization");
            Optional<Map<String, Object>> claims = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? accessTokens.find(authorization.substring(7).trim()) : Optional.empty();
            if (claims.isEmpty()) {
                // RFC 6750 section 3.1.
                response.setHeader("WWW-Authenticate", "Bearer error=\"" + OidcRejection.INVALID_ACCESS_TOKEN.error() + "\"");
                OidcPages.json(response, 401, JSONObjectUtils.toJSONString(Map.of("error",
                        OidcRejection.INVALID_ACCESS_TOKEN.error())));
                return;
            }
            OidcPages.json(response, 200, JSONObjectUtils.toJSONString(claims.get()));
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            doGet(request, response);
        }
    }

    /** {@code GET} and {@code POST /end_session}. */
    static final class EndSession extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final EndSessionEndpoint endpoint;

        EndSession(EndSessionEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            endpoint.endSession(request, response);
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            endpoint.endSession(request, response);
        }
    }

    /**
     * {@code POST /signout-everywhere} with {@code user=NAME}: the home page's button. Anyone who can reach
     * the provider can press it, which is why it listens on loopback by default.
     */
    static final class SignOutEverywhere extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final BackchannelLogout logout;
        private final Map<String, DevUser> users;

        SignOutEverywhere(BackchannelLogout logout, Map<String, DevUser> users) {
            this.logout = logout;
            this.users = users;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String name = request.getParameter("user");
            DevUser user = name == null ? null : users.get(name);
            if (user == null) {
                OidcPages.error(response, 400, "There is no user of that name at this provider.");
                return;
            }
            BackchannelLogout.Result result = logout.signOut(user);
            OidcPages.signedOutEverywhere(response, user.username(), result.sessionsEnded(), result.deliveries());
        }
    }
}
