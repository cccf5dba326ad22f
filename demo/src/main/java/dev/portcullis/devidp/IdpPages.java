package dev.portcullis.devidp;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Every page the development IdP shows, and the only place that writes its HTML. Every value that
 * is not a literal of this class is escaped. Pages are never cached and never framed (the login page
 * takes passwords).
 */
final class IdpPages {

    static final String NOT_FOR_PRODUCTION = "Portcullis development IdP \u2014 for demos and tests only, never in production";
    static final String INVALID_CREDENTIALS = "Invalid username or password";
    static final String LOGOUT_FOR_DEMOS = "GET /logout?user=NAME ends that user's sessions at this IdP and at the"
            + " service provider, for anyone who can reach this IdP, from any browser: it is for demos and tests only.";

    private IdpPages() {
    }

    /**
     * {@code GET /}: what this is, who can sign in, who is signed in here in this browser, and the
     * IdP-initiated logout links.
     *
     * @param signedIn the user of this browser's IdP session, or null
     */
    static void home(HttpServletResponse response, String entityId, Collection<DevUser> users, DevUser signedIn)
            throws IOException {
        PrintWriter out = begin(response, 200, "Portcullis development IdP");
        out.println("<p>entityID: <code>" + Html.escape(entityId) + "</code> \u2014 <a href=\"/metadata\">metadata</a></p>");
        out.println(signedIn == null ? "<p>Nobody is signed in at this IdP in this browser.</p>"
                : "<p>Signed in at this IdP as <strong>" + Html.escape(signedIn.username()) + "</strong>.</p>");
        out.println("<h2>Demo users</h2>");
        out.println("<table><tr><th>username</th><th>NameID</th><th>roles</th><th>IdP-initiated logout</th></tr>");
        for (DevUser user : users) {
            out.println("<tr><td>" + Html.escape(user.username()) + "</td><td>" + Html.escape(user.nameId()) + "</td><td>"
                    + Html.escape(String.join(", ", user.roles())) + "</td><td><a href=\"/logout?user="
                    + Html.escape(URLEncoder.encode(user.username(), StandardCharsets.UTF_8)) + "\">sign "
                    + Html.escape(user.username()) + " out everywhere</a></td></tr>");
        }
        out.println("</table>");
        out.println("<p>" + Html.escape(LOGOUT_FOR_DEMOS) + "</p>");
        Html.end(out);
    }

    /** The login form; {@code error} (a literal of this class) is shown above it when not null. */
    static void login(HttpServletResponse response, String state, String spEntityId, String error) throws IOException {
        Html.login(response, NOT_FOR_PRODUCTION, spEntityId, "state", state, error);
    }

    /**
     * The HTTP-POST binding's auto-submitting form (saml-bindings-2.0-os 3.5.4), with a button for
     * browsers without JavaScript.
     *
     * @param relayState null leaves the field out
     */
    static void autoPost(HttpServletResponse response, String acsUrl, String samlResponse, String relayState)
            throws IOException {
        PrintWriter out = begin(response, 200, "Signing you in");
        out.println("<form method=\"post\" action=\"" + Html.escape(acsUrl) + "\">");
        out.println("<input type=\"hidden\" name=\"SAMLResponse\" value=\"" + Html.escape(samlResponse) + "\">");
        if (relayState != null) {
            out.println("<input type=\"hidden\" name=\"RelayState\" value=\"" + Html.escape(relayState) + "\">");
        }
        out.println("<noscript><p>JavaScript is off: press the button to continue.</p>"
                + "<button type=\"submit\">Continue</button></noscript>");
        out.println("</form>");
        out.println("<script>document.forms[0].submit();</script>");
        Html.end(out);
    }

    /** The SP confirmed an IdP-initiated logout. */
    static void signedOutOf(HttpServletResponse response, String spEntityId, String username) throws IOException {
        PrintWriter out = begin(response, 200, "Signed out of " + spEntityId);
        out.println("<p><strong>" + Html.escape(username) + "</strong> is signed out at this IdP, and the service provider"
                + " <code>" + Html.escape(spEntityId) + "</code> confirmed the sign-out.</p>");
        Html.end(out);
    }

    /** The SP answered an IdP-initiated logout with a status other than Success. */
    static void logoutNotConfirmed(HttpServletResponse response, String spEntityId, String username) throws IOException {
        PrintWriter out = begin(response, 200, "Sign-out not confirmed");
        out.println("<p><strong>" + Html.escape(username) + "</strong> is signed out at this IdP, but the service provider"
                + " <code>" + Html.escape(spEntityId) + "</code> did not confirm the sign-out; its sessions there may"
                + " still be open.</p>");
        Html.end(out);
    }

    /** An IdP-initiated logout of a user who had no session at the SP: nothing to send. */
    static void signedOutAtIdp(HttpServletResponse response, String username, String spEntityId) throws IOException {
        PrintWriter out = begin(response, 200, "Signed out at the IdP");
        out.println("<p><strong>" + Html.escape(username) + "</strong> is signed out at this IdP. No session at <code>"
                + Html.escape(spEntityId) + "</code> came from it, so there is nothing to tell the service provider.</p>");
        Html.end(out);
    }

    /** A refusal: a fixed message, never the input and never a stack trace. */
    static void error(HttpServletResponse response, int status, String message) throws IOException {
        Html.error(response, status, message, NOT_FOR_PRODUCTION);
    }

    private static PrintWriter begin(HttpServletResponse response, int status, String title) throws IOException {
        return Html.begin(response, status, title, NOT_FOR_PRODUCTION);
    }
}
