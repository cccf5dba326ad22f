package dev.portcullis.sample;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The admin area. It checks nothing itself: web.xml's security-constraint lets only the
 * {@code admin} role reach it, and the container answers 403 to everyone else.
 */
public class AdminServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = Html.begin(response, "Admin area");
        out.println("<p>Only users with the admin role see this page. You are <strong>"
                + Html.escape(request.getRemoteUser()) + "</strong>.</p>");
        Html.end(out, request.getContextPath());
    }
}
