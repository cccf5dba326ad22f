package dev.portcullis.sample;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The home page: who the container says is signed in, how, which of the checked roles they hold, the
 * attributes the principal carries, and every request attribute whose name starts with
 * {@code portcullis.} (set when the valve's exposeAttributes is on). It reads them the way any servlet
 * can, with no knowledge of SAML. A signed-in user gets a
 * "Sign out" link to the Host's sign-out page ({@link #SIGN_OUT_PATH}), a plain link like any other.
 */
public class HomeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Prefix of the request attributes an SSO valve may set; printed generically. */
    static final String ATTRIBUTE_PREFIX = "portcullis.";

    /**
     * Where "Sign out" leads: the sign-out page of the SSO valve in the Host, which ends the sign-in for
     * every webapp on it. The webapp knows nothing else about it.
     */
    static final String SIGN_OUT_PATH = "/sso/logout";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = Html.begin(response, "Portcullis sample webapp");
        String user = request.getRemoteUser();
        out.println(user == null ? "<p>Not signed in</p>" : "<p>Signed in as <strong>" + Html.escape(user) + "</strong></p>");
        if (user != null) {
            out.println("<p><a id=\"sign-out\" href=\"" + Html.escape(SIGN_OUT_PATH) + "\">Sign out</a></p>");
        }
        out.println("<p>Authentication type: " + Html.escape(String.valueOf(request.getAuthType())) + "</p>");

        out.println("<h2>Roles</h2>");
        out.println("<table><tr><th>role</th><th>isUserInRole</th></tr>");
        for (String role : Roles.CHECKED) {
            out.println("<tr><td>" + Html.escape(role) + "</td><td>" + (request.isUserInRole(role) ? "yes" : "no") + "</td></tr>");
        }
        out.println("</table>");

        out.println("<h2>Attributes from the principal</h2>");
        out.println(principalAttributes(request.getUserPrincipal()));

        out.println("<h2>Request attributes</h2>");
        List<String> names = Collections.list(request.getAttributeNames()).stream()
                .filter(name -> name.startsWith(ATTRIBUTE_PREFIX)).sorted().toList();
        if (names.isEmpty()) {
            out.println("<p>None starting with " + Html.escape(ATTRIBUTE_PREFIX) + "</p>");
        } else {
            out.println("<dl>");
            for (String name : names) {
                out.println("<dt>" + Html.escape(name) + "</dt>");
                out.println(describe(request.getAttribute(name)));
            }
            out.println("</dl>");
        }
        Html.end(out, request.getContextPath());
    }

    /**
     * The principal's {@code getAttributes()} map, if its class has one (Portcullis's SamlPrincipal
     * does), as a description list. This webapp is compiled without the valve JAR, as an old one
     * would be, so it looks the method up by name; a webapp of your own would cast to
     * {@code dev.portcullis.web.SamlPrincipal} instead.
     */
    static String principalAttributes(java.security.Principal principal) {
        if (principal == null) {
            return "<p>No principal</p>";
        }
        Object attributes;
        try {
            attributes = principal.getClass().getMethod("getAttributes").invoke(principal);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "<p>" + Html.escape(principal.getClass().getName()) + " has no attributes</p>";
        }
        return "<p>" + Html.escape(principal.getClass().getName()) + "</p><dl>" + describe(attributes) + "</dl>";
    }

    /** One attribute value as dd elements: a map entry per line, anything else as its text. */
    private static String describe(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append("<dd>").append(Html.escape(entry.getKey())).append(" = ")
                        .append(Html.escape(entry.getValue())).append("</dd>");
            }
            return out.length() == 0 ? "<dd>(empty)</dd>" : out.toString();
        }
        return "<dd>" + Html.escape(value) + "</dd>";
    }
}
