package dev.portcullis.sample;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * A page written the way many legacy webapps are: the first signed-in visit copies
 * {@code getRemoteUser()} into the webapp's own HttpSession, and from then on the page trusts the
 * session, even on requests where the container knows no user. It is mapped twice, at
 * {@code /session} (behind sign-in) and at {@code /public/session} (excluded from sign-in in the demo),
 * so that one can see whether an identity cached this way outlives a sign-out.
 */
public class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The session attribute the user is kept in. */
    static final String USER_ATTRIBUTE = "sample.user";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = request.getRemoteUser();
        HttpSession session = request.getSession(user != null);
        if (user != null && session.getAttribute(USER_ATTRIBUTE) == null) {
            session.setAttribute(USER_ATTRIBUTE, user);
        }
        Object remembered = session == null ? null : session.getAttribute(USER_ATTRIBUTE);
        PrintWriter out = Html.begin(response, "Legacy session page");
        out.println(remembered == null ? "<p>No user is remembered in this webapp's session.</p>"
                : "<p>User remembered in this webapp's session: <strong>" + Html.escape(remembered) + "</strong></p>");
        out.println(user == null ? "<p>The container knows no user on this request.</p>"
                : "<p>The container knows <strong>" + Html.escape(user) + "</strong> on this request.</p>");
        Html.end(out, request.getContextPath());
    }
}
