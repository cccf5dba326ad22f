package dev.portcullis.devoidc;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import dev.portcullis.devidp.DevUser;
import dev.portcullis.devidp.Html;

/**
 * Every page the development OIDC provider shows, and the only place that writes its HTML; the same
 * plain look as the development SAML IdP's pages. Every value that is not a literal of this class is
 * escaped. Pages are never cached and never framed (the login page takes passwords).
 */
final class OidcPages {

    static final String NOT_FOR_PRODUCTION =
            "Portcullis development OIDC provider \u2014 for demos and tests only, never in production";
    static final String INVALID_CREDENTIALS = "Invalid username or password";
    static final String SIGN_OUT_FOR_DEMOS = "The buttons end that user's sessions at this provider and send a"
            + " back-channel logout token to the client, for anyone who can reach this provider, from any browser:"
            + " they are for demos and tests only.";

    private OidcPages() {
    }

    /**
     * {@code GET /}: what this is, who can sign in, who is signed in here in this browser, and a "sign out
     * everywhere" button per user.
     *
     * @param signedIn the user of this browser's session, or null
     * @param backchannelLogoutUri where logout tokens go, or null
     */
    static void home(HttpServletResponse response, String issuer, String clientId, Collection<DevUser> users,
                     DevUser signedIn, String backchannelLogoutUri) throws IOException {
        PrintWriter out = begin(response, 200, "Portcullis development OIDC provider");
        out.println("<p>issuer: <code>" + Html.escape(issuer) + "</code> \u2014 <a href=\"/.well-known/openid-configuration\">"
                + "discovery document</a>, <a href=\"/jwks\">JWKS</a></p>");
        out.println("<p>client: <code>" + Html.escape(clientId) + "</code>; back-channel logout to "
                + (backchannelLogoutUri == null ? "nowhere (not registered)" : "<code>" + Html.escape(backchannelLogoutUri) + "</code>")
                + "</p>");
        out.println(signedIn == null ? "<p>Nobody is signed in at this provider in this browser.</p>"
                : "<p>Signed in at this provider as <strong>" + Html.escape(signedIn.username()) + "</strong>.</p>");
        out.println("<h2>Demo users</h2>");
        out.println("<table><tr><th>username</th><th>sub</th><th>roles</th><th>back-channel logout</th></tr>");
        for (DevUser user : users) {
            out.println("<tr><td>" + Html.escape(user.username()) + "</td><td>" + Html.escape(user.nameId()) + "</td><td>"
                    + Html.escape(String.join(", ", user.roles())) + "</td><td><form method=\"post\" action=\"/signout-everywhere\">"
                    + "<input type=\"hidden\" name=\"user\" value=\"" + Html.escape(user.username()) + "\">"
                    + "<button type=\"submit\">sign " + Html.escape(user.username()) + " out everywhere</button></form></td></tr>");
        }
        out.println("</table>");
        out.println("<p>" + Html.escape(SIGN_OUT_FOR_DEMOS) + "</p>");
        Html.end(out);
    }

    /** The login form; {@code error} (a literal of this class) is shown above it when not null. */
    static void login(HttpServletResponse response, String loginToken, String clientId, String error) throws IOException {
        Html.login(response, NOT_FOR_PRODUCTION, clientId, "login", loginToken, error);
    }

    /** RP-initiated logout without a matching id_token_hint: the user confirms (RP-Initiated Logout 1.0 section 2). */
    static void confirmLogout(HttpServletResponse response, String username, Map<String, String> fields) throws IOException {
        PrintWriter out = begin(response, 200, "Sign out?");
        out.println("<p>Sign <strong>" + Html.escape(username) + "</strong> out of this provider?</p>");
        out.println("<form method=\"post\" action=\"/end_session\">");
        for (Map.Entry<String, String> field : fields.entrySet()) {
            out.println("<input type=\"hidden\" name=\"" + Html.escape(field.getKey()) + "\" value=\""
                    + Html.escape(field.getValue()) + "\">");
        }
        out.println("<input type=\"hidden\" name=\"confirm\" value=\"yes\">");
        out.println("<p><button type=\"submit\">Sign out</button></p>");
        out.println("</form>");
        Html.end(out);
    }

    /** Signed out, and no post-logout redirect URI to go back to. */
    static void signedOut(HttpServletResponse response, String username) throws IOException {
        PrintWriter out = begin(response, 200, "Signed out");
        out.println(username == null ? "<p>Nobody was signed in at this provider in this browser.</p>"
                : "<p><strong>" + Html.escape(username) + "</strong> is signed out at this provider.</p>");
        Html.end(out);
    }

    /** What "sign out everywhere" did: one line per logout token sent. */
    static void signedOutEverywhere(HttpServletResponse response, String username, int sessionsEnded,
                                    List<BackchannelLogout.Delivery> deliveries) throws IOException {
        PrintWriter out = begin(response, 200, "Signed out everywhere");
        out.println("<p><strong>" + Html.escape(username) + "</strong>: " + sessionsEnded + " session(s) ended at this provider.</p>");
        if (deliveries.isEmpty()) {
            out.println("<p>No back-channel logout URI is registered, so the client was not told.</p>");
        }
        out.println("<ul>");
        for (BackchannelLogout.Delivery delivery : deliveries) {
            out.println("<li>logout token " + (delivery.sid() == null ? "for every session of the user" : "for session <code>"
                    + Html.escape(delivery.sid()) + "</code>") + ": " + Html.escape(delivery.outcome()) + "</li>");
        }
        out.println("</ul>");
        out.println("<p><a href=\"/\">back</a></p>");
        Html.end(out);
    }

    /** A refusal: a fixed message, never the input and never a stack trace. */
    static void error(HttpServletResponse response, int status, String message) throws IOException {
        Html.error(response, status, message, NOT_FOR_PRODUCTION);
    }

    /** A JSON answer (discovery, JWKS, token, UserInfo, errors), never cached (RFC 6749 section 5.1). */
    static void json(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getWriter().write(json);
    }

    private static PrintWriter begin(HttpServletResponse response, int status, String title) throws IOException {
        return Html.begin(response, status, title, NOT_FOR_PRODUCTION);
    }
}
