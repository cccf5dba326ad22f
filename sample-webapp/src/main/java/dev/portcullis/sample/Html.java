package dev.portcullis.sample;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServletResponse;

/**
 * HTML output for the sample pages: escaping and one page layout. Everything a page prints that did
 * not come from this source file (user names, roles, SAML attribute values) goes through
 * {@link #escape}, since an attribute value is whatever the identity provider sent.
 */
final class Html {

    private Html() {
    }

    /** The text with the five HTML-significant characters replaced by entities; null becomes "". */
    static String escape(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
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
     * Starts an HTML page: status 200, UTF-8, not cached (it shows who is signed in), and the common
     * header. The caller writes the body and then calls {@link #end}.
     *
     * @param title plain text, escaped here
     */
    static PrintWriter begin(HttpServletResponse response, String title) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html>");
        out.println("<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>");
        out.println("<body>");
        out.println("<h1>" + escape(title) + "</h1>");
        return out;
    }

    /** Ends a page begun with {@link #begin}, with links to the other pages. */
    static void end(PrintWriter out, String contextPath) {
        String base = escape(contextPath);
        out.println("<p><a href=\"" + base + "/\">Home</a> | <a href=\"" + base + "/admin/\">Admin area</a>"
                + " | <a href=\"" + base + "/public/\">Public page</a> | <a href=\"" + base + "/session\">Legacy session page</a>"
                + " | <a href=\"" + base + "/api/whoami\">whoami (JSON)</a></p>");
        out.println("</body></html>");
    }
}
