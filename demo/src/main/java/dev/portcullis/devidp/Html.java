package dev.portcullis.devidp;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServletResponse;

/**
 * What the development servers' pages (the SAML IdP's IdpPages and the OIDC provider's OidcPages) share: escaping,
 * the page around each one (never cached, never framed: the login page takes passwords; a banner saying what
 * the server is), the refusal page, the redirect and the login form.
 */
public final class Html {

    private Html() {
    }

    /** The text with the five HTML-significant characters replaced by entities; null becomes "". */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Starts a page: the status, headers that keep it out of caches and frames, the banner and the title as its
     * heading. Close it with {@link #end}.
     */
    public static PrintWriter begin(HttpServletResponse response, int status, String title, String banner)
            throws IOException {
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html>");
        out.println("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head><body>");
        out.println("<p><strong>" + escape(banner) + "</strong></p>");
        out.println("<h1>" + escape(title) + "</h1>");
        return out;
    }

    public static void end(PrintWriter out) {
        out.println("</body></html>");
    }

    /** A refusal: a fixed message, never the input and never a stack trace. */
    public static void error(HttpServletResponse response, int status, String message, String banner) throws IOException {
        PrintWriter out = begin(response, status, "Request refused", banner);
        out.println("<p>" + escape(message) + "</p>");
        end(out);
    }

    /** A 302 to a URL the server built, never cached. */
    public static void redirect(HttpServletResponse response, String location) {
        response.setStatus(302);
        response.setHeader("Location", location);
        response.setHeader("Cache-Control", "no-store");
    }

    /**
     * The login form, posted to {@code /login} with one hidden field that ties it to the sign-in in progress;
     * {@code error} (a literal of the caller) is shown above it when not null.
     */
    public static void login(HttpServletResponse response, String banner, String signingInTo, String hiddenName,
                             String hiddenValue, String error) throws IOException {
        PrintWriter out = begin(response, 200, "Sign in", banner);
        out.println("<p>Signing in to <code>" + escape(signingInTo) + "</code></p>");
        if (error != null) {
            out.println("<p class=\"error\" role=\"alert\"><strong>" + escape(error) + "</strong></p>");
        }
        out.println("<form method=\"post\" action=\"/login\">");
        out.println("<input type=\"hidden\" name=\"" + escape(hiddenName) + "\" value=\"" + escape(hiddenValue) + "\">");
        out.println("<p><label>Username <input type=\"text\" name=\"username\" autocomplete=\"username\" autofocus></label></p>");
        out.println("<p><label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label></p>");
        out.println("<p><button type=\"submit\">Sign in</button></p>");
        out.println("</form>");
        end(out);
    }
}
