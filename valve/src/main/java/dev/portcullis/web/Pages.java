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

    static final String PAGE_CSP = "default-src 'none'; style-src " + Html.cspHash(STYLE)
            + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String FORM_CSP = "default-src 'none'; style-src " + Html.cspHash(STYLE) + "; script-src "
            + Html.cspHash(SUBMIT) + "; base-uri 'none'; frame-ancestors 'none'";

    private Pages() {
    }

    static String loginFailed(String correlationId) {
        return page("Sign-in failed", "<h1>Sign-in failed</h1>"
                + "<p>Your sign-in could not be completed. Try again from the page you wanted to open.</p>"
                + "<p>If it keeps failing, give this reference to your support team: <code>"
                + Html.escape(correlationId) + "</code></p>");
    }

    static String status(int status, String title, String text) {
        return page(title, "<h1>" + Html.escape(title) + "</h1><p>" + Html.escape(text) + "</p><p><small>HTTP "
                + status + "</small></p>");
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
