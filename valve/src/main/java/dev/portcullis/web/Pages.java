package dev.portcullis.web;

import java.util.Map;

import dev.portcullis.saml.OutboundMessage;

/**
 * The pages Portcullis renders: the sign-in failure page, the self-submitting form of the HTTP-POST
 * binding and the generic status page. Every dynamic value is HTML-escaped; each page comes with a
 * Content-Security-Policy that allows only its own inline style and script (by hash), so that even a
 * value that escaped escaping could not run.
 */
final class Pages {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;"
            + "padding:0 1rem;color:#222}code{background:#f2f2f2;padding:.1rem .3rem}";
    private static final String SUBMIT = "document.forms[0].submit();";
    private static final String FOLLOW = "window.location.replace(document.getElementById('continue').href);";

    static final String PAGE_CSP = "default-src 'none'; style-src " + Html.cspHash(STYLE)
            + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String FORM_CSP = "default-src 'none'; style-src " + Html.cspHash(STYLE) + "; script-src "
            + Html.cspHash(SUBMIT) + " " + Html.cspHash(FOLLOW) + "; base-uri 'none'; frame-ancestors 'none'";
    /** The logout confirmation posts to this site only. */
    static final String CONFIRM_CSP = "default-src 'none'; style-src " + Html.cspHash(STYLE)
            + "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private Pages() {
    }

    static String loginFailed(String correlationId) {
        return page("Sign-in failed", "<h1>Sign-in failed</h1>"
                + "<p>Your sign-in could not be completed. Try again from the page you wanted to open.</p>"
                + "<p>If it keeps failing, give this reference to your support team: <code>"
                + Html.escape(correlationId) + "</code></p>");
    }

    static String unavailable(String correlationId) {
        return page("Temporarily unavailable", "<h1>Temporarily unavailable</h1>"
                + "<p>This site cannot check sign-ins right now, so it cannot let you in or sign you out."
                + " Try again in a few minutes.</p>"
                + "<p>If it keeps failing, give this reference to your support team: <code>"
                + Html.escape(correlationId) + "</code></p><p><small>HTTP 503</small></p>");
    }

    static String tooManySignIns(long retryAfterSeconds) {
        return page("Too many sign-ins", "<h1>Too many sign-ins</h1><p>Sign-ins from your network address have been"
                + " started too often in a short time, so this one was not started. Wait " + retryAfterSeconds
                + (retryAfterSeconds == 1 ? " second" : " seconds") + ", then reload the page.</p>"
                + "<p>If it keeps happening, tell your support team: many people may be signing in through the same"
                + " network address.</p><p><small>HTTP 429</small></p>");
    }

    static String status(int status, String title, String text) {
        return page(title, "<h1>" + Html.escape(title) + "</h1><p>" + Html.escape(text) + "</p><p><small>HTTP "
                + status + "</small></p>");
    }

    static String logoutConfirmation(String action, String token, String user) {
        return page("Sign out", "<h1>Sign out</h1><p>You are signed in as <strong>" + Html.escape(user)
                + "</strong>. Signing out ends your session in every application on this server"
                + " and, where your identity provider supports it, at the identity provider too.</p>"
                + "<form method=\"post\" action=\"" + Html.escape(action) + "\"><input type=\"hidden\" name=\"token\" value=\""
                + Html.escape(token) + "\"><button type=\"submit\">Sign out</button></form>");
    }

    static String signedOut(String status) {
        String text = switch (status == null ? "" : status) {
            case "complete" -> "You are signed out of every application on this server and at your identity provider.";
            case "partial" -> "You are signed out of every application on this server. Your identity provider reports"
                    + " that it could not sign you out of every other application: close your browser to be sure.";
            case "pending" -> "You are signed out of every application on this server. If your identity provider did not"
                    + " confirm the sign-out, you may still be signed in there: close your browser to be sure.";
            case "none" -> "You are not signed in here.";
            default -> "You are signed out of every application on this server. You may still be signed in at your"
                    + " identity provider, which would sign you in again without asking: close your browser to be sure.";
        };
        return page("Signed out", "<h1>Signed out</h1><p>" + Html.escape(text) + "</p>");
    }

    static String logoutContinue(OutboundMessage message) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing out</title><style>")
                .append(STYLE).append("</style></head><body><h1>Signing out</h1><p>You are signed out of every application")
                .append(" on this server. Now signing you out at your identity provider&hellip;</p>");
        if (message.isRedirect()) {
            html.append("<p><a id=\"continue\" href=\"").append(Html.escape(message.location()))
                    .append("\">Continue</a></p><script>").append(FOLLOW).append("</script>");
        } else {
            html.append("<form method=\"post\" action=\"").append(Html.escape(message.location())).append("\">");
            for (Map.Entry<String, String> field : message.fields().entrySet()) {
                html.append("<input type=\"hidden\" name=\"").append(Html.escape(field.getKey())).append("\" value=\"")
                        .append(Html.escape(field.getValue())).append("\">");
            }
            html.append("<button type=\"submit\">Continue</button></form><script>").append(SUBMIT).append("</script>");
        }
        return html.append("</body></html>").toString();
    }

    static String autoPost(OutboundMessage message) {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in</title><style>")
                .append(STYLE).append("</style></head><body><form method=\"post\" action=\"")
                .append(Html.escape(message.location())).append("\">");
        for (Map.Entry<String, String> field : message.fields().entrySet()) {
            html.append("<input type=\"hidden\" name=\"").append(Html.escape(field.getKey())).append("\" value=\"")
                    .append(Html.escape(field.getValue())).append("\">");
        }
        html.append("<noscript><p>JavaScript is off: press Continue to go on signing in.</p>"
                + "<button type=\"submit\">Continue</button></noscript></form><script>").append(SUBMIT)
                .append("</script></body></html>");
        return html.toString();
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title)
                + "</title><style>" + STYLE + "</style></head><body>" + body + "</body></html>";
    }
}
