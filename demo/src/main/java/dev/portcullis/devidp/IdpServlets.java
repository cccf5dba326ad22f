package dev.portcullis.devidp;

import java.io.IOException;
import java.util.Collection;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The development IdP's endpoints, one small servlet each; the work is done by their collaborators. */
final class IdpServlets {

    private IdpServlets() {
    }

    /** {@code GET /}: says what this is, lists the users and says who is signed in here. */
    static final class Home extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String entityId;
        private final Collection<DevUser> users;
        private final IdpSessions sessions;
        private final SessionCookie cookie;

        Home(String entityId, Collection<DevUser> users, IdpSessions sessions, SessionCookie cookie) {
            this.entityId = entityId;
            this.users = users;
            this.sessions = sessions;
            this.cookie = cookie;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!"/".equals(request.getServletPath()) || request.getPathInfo() != null) {
                IdpPages.error(response, 404, "There is nothing at this address.");
                return;
            }
            IdpPages.home(response, entityId, users,
                    sessions.find(cookie.read(request)).map(IdpSession::user).orElse(null));
        }
    }

    /** {@code GET /metadata}: the IdP's SAML metadata, prepared once at start. */
    static final class Metadata extends HttpServlet {
        static final String CONTENT_TYPE = "application/samlmetadata+xml";
        private static final long serialVersionUID = 1L;
        private final String metadata;

        Metadata(String metadata) {
            this.metadata = metadata;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType(CONTENT_TYPE + ";charset=UTF-8");
            response.getWriter().write(metadata);
        }
    }

    /** {@code GET /sso} (HTTP-Redirect binding) and {@code POST /sso} (HTTP-POST binding). */
    static final class Sso extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final AuthnRequestReader reader;
        private final LoginFlow flow;

        Sso(AuthnRequestReader reader, LoginFlow flow) {
            this.reader = reader;
            this.flow = flow;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AuthnRequestReader.AcceptedRequest accepted;
            try {
                // The raw query: the signature covers the octets as sent, not a re-encoding.
                accepted = reader.readRedirect(request.getQueryString());
            } catch (RequestRejected e) {
                LoginFlow.refuse(response, e);
                return;
            }
            flow.begin(request, response, accepted.id(), accepted.relayState(), accepted.forceAuthn());
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AuthnRequestReader.AcceptedRequest accepted;
            try {
                accepted = reader.readPost(request.getParameter("SAMLRequest"), request.getParameter("RelayState"));
            } catch (RequestRejected e) {
                LoginFlow.refuse(response, e);
                return;
            }
            flow.begin(request, response, accepted.id(), accepted.relayState(), accepted.forceAuthn());
        }
    }

    /** {@code POST /login}: the login form's target. */
    static final class Login extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final LoginFlow flow;

        Login(LoginFlow flow) {
            this.flow = flow;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            flow.complete(request, response, request.getParameter("state"), request.getParameter("username"),
                    request.getParameter("password"));
        }
    }

    /**
     * {@code GET /initiate}: an IdP-initiated (unsolicited) login, for tests. After the login form, the
     * Response carries no InResponseTo and no RelayState; service providers refuse it unless told not to.
     */
    static final class Initiate extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final LoginFlow flow;

        Initiate(LoginFlow flow) {
            this.flow = flow;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            flow.begin(request, response, null, null, false);
        }
    }

    /**
     * {@code GET /slo} (HTTP-Redirect binding) and {@code POST /slo} (HTTP-POST binding): the SP's
     * LogoutRequest, or its LogoutResponse to an IdP-initiated logout.
     */
    static final class Slo extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final SingleLogout logout;

        Slo(SingleLogout logout) {
            this.logout = logout;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            logout.receive(request, response);
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            logout.receive(request, response);
        }
    }

    /**
     * {@code GET /logout?user=NAME}: IdP-initiated logout, for demos and tests. It ends the user's IdP
     * sessions and sends the browser to the SP with a signed LogoutRequest; anyone who can reach the
     * IdP can trigger it, which is why the IdP listens on loopback by default.
     */
    static final class Logout extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final SingleLogout logout;

        Logout(SingleLogout logout) {
            this.logout = logout;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            logout.idpInitiated(request, response, request.getParameter("user"));
        }
    }
}
