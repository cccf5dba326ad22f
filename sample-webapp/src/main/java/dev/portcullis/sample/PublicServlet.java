package dev.portcullis.sample;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A page that needs no sign-in (the demo excludes it from Portcullis's protection), showing whether
 * the container knows a user here anyway.
 */
public class PublicServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = Html.begin(response, "Public page");
        out.println("<p>Anyone can read this page without signing in.</p>");
        String user = request.getRemoteUser();
        out.println(user == null ? "<p>No user is known on this request.</p>"
                : "<p>The user known on this request is <strong>" + Html.escape(user) + "</strong>.</p>");
        Html.end(out, request.getContextPath());
    }
}
