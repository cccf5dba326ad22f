package dev.portcullis.sample;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /api/whoami}: {@code {"user":"alice","roles":["user","admin"]}}, with {@code null} for the
 * user when nobody is signed in and only the checked roles the user holds. For tests that call the
 * application the way a script (XHR, fetch) does.
 */
public class WhoAmIServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        String user = request.getRemoteUser();
        List<String> roles = Roles.held(request);
        StringBuilder json = new StringBuilder("{\"user\":");
        json.append(user == null ? "null" : quote(user)).append(",\"roles\":[");
        for (int i = 0; i < roles.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(roles.get(i)));
        }
        json.append("]}");
        response.getWriter().print(json);
    }

    /**
     * A JSON string literal (RFC 8259 section 7). Beyond the required escapes, {@code <}, {@code >}
     * and {@code &} are written as \\u escapes too, so the output stays inert if a browser ever
     * renders it as HTML.
     */
    static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
