package dev.portcullis.devidp;

import java.io.IOException;
import java.io.PrintWriter;
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

    private IdpPages() {
    }

    /** {@code GET /}: what this is, and who can sign in. */
    static void home(HttpServletResponse response, String entityId, Collection<DevUser> users) throws IOException {
        PrintWriter out = begin(response, 200, "Portcullis development IdP");
        out.println("<p>entityID: <code>" + Html.escape(entityId) + "</code> \u2014 <a href=\"/metadata\">metadata</a></p>");
        out.println("<h2>Demo users</h2>");
        out.println("<table><tr><th>username</th><th>NameID</th><th>roles</th></tr>");
        for (DevUser user : users) {
            out.println("<tr><td>" + Html.escape(user.username()) + "</td><td>" + Html.escape(user.nameId()) + "</td><td>"
                    + Html.escape(String.join(", ", user.roles())) + "</td></tr>");
        }
        out.println("</table>");
        end(out);
    }

    /** The login form; {@code error} (a literal of this class) is shown above it when not null. */
    static void login(HttpServletResponse response, String state, String spEntityId, String error) throws IOException {
        PrintWriter out = begin(response, 200, "Sign in");
        out.println("<p>Signing in to <code>" + Html.escape(spEntityId) + "</code></p>");
        if (error != null) {
            out.println("<p class=\"error\" role=\"alert\"><strong>" + Html.escape(error) + "</strong></p>");
        }
        out.println("<form method=\"post\" action=\"/login\">");
        out.println("<input type=\"hidden\" name=\"state\" value=\"" + Html.escape(state) + "\">");
        out.println("<p><label>Username <input type=\"text\" name=\"username\" autocomplete=\"username\" autofocus></label></p>");
        out.println("<p><label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label></p>");
        out.println("<p><button type=\"submit\">Sign in</button></p>");
        out.println("</form>");
        end(out);
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
        end(out);
    }

    /** A refusal: a fixed message, never the input and never a stack trace. */
    static void error(HttpServletResponse response, int status, String message) throws IOException {
        PrintWriter out = begin(response, status, "Request refused");
        out.println("<p>" + Html.escape(message) + "</p>");
        end(out);
    }

    private static PrintWriter begin(HttpServletResponse response, int status, String title) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html>");
        out.println("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title) + "</title></head><body>");
        out.println("<p><strong>" + Html.escape(NOT_FOR_PRODUCTION) + "</strong></p>");
        out.println("<h1>" + Html.escape(title) + "</h1>");
        return out;
    }

    private static void end(PrintWriter out) {
        out.println("</body></html>");
    }
}
