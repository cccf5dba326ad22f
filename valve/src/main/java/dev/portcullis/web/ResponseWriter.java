package dev.portcullis.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import dev.portcullis.saml.OutboundMessage;

/**
 * The one place that writes Portcullis's own HTTP responses: its pages, redirects, SAML messages,
 * metadata and the 401 for scripts. Every response it writes goes through {@link #send} or
 * {@link #redirect}, which set the same headers on all of them: private and uncacheable
 * ({@code Cache-Control: no-store}, since they carry sign-in state, forms with tokens or SAML
 * messages that a shared cache must never replay), no MIME sniffing, no Referer leaving the page;
 * HTML also gets a strict Content-Security-Policy and may not be framed (clickjacking of the logout
 * form). Servlet types only; pac4j's actions are turned into these calls by
 * {@link dev.portcullis.pac4j.ActionAdapter}. Stateless and thread-safe.
 */
public final class ResponseWriter {

    /** The body of a 401 for scripts and API clients. */
    static final String UNAUTHENTICATED_JSON = "{\"error\":\"authentication_required\","
            + "\"message\":\"Sign in with a browser, then retry.\"}";

    /** A redirect (302 or 303) to an absolute URL Portcullis built. */
    public void redirect(HttpServletResponse response, int status, String location) {
        headers(response, null);
        response.setStatus(status);
        response.setHeader("Location", location);
    }

    /** A SAML message to the IdP: a redirect for HTTP-Redirect, a self-submitting form for HTTP-POST. */
    public void message(HttpServletResponse response, OutboundMessage message) throws IOException {
        if (message.isRedirect()) {
            redirect(response, 302, message.location());
        } else {
            send(response, 200, "text/html", Pages.autoPost(message), Pages.FORM_CSP);
        }
    }

    /** The page between a local logout and the IdP, which then continues with the LogoutRequest. */
    public void logoutContinue(HttpServletResponse response, OutboundMessage message) throws IOException {
        send(response, 200, "text/html", Pages.logoutContinue(message), Pages.FORM_CSP);
    }

    /** A refused sign-in: 403 with the correlation id only; the reason is in the log under it. */
    public void loginFailed(HttpServletResponse response, String correlationId) throws IOException {
        send(response, 403, "text/html", Pages.loginFailed(correlationId), Pages.PAGE_CSP);
    }

    /** 401 for a script or API client without a session. */
    public void unauthenticated(HttpServletResponse response) throws IOException {
        send(response, 401, "application/json", UNAUTHENTICATED_JSON, null);
    }

    /** A status with a plain-text body, or none when {@code text} is null or empty. */
    public void status(HttpServletResponse response, int status, String text) throws IOException {
        if (text == null || text.isEmpty()) {
            headers(response, null);
            response.setStatus(status);
        } else {
            send(response, status, "text/plain", text, null);
        }
    }

    /** A page of Portcullis's own (status pages, errors). */
    public void page(HttpServletResponse response, int status, String title, String text) throws IOException {
        send(response, status, "text/html", Pages.status(status, title, text), Pages.PAGE_CSP);
    }

    /** 405 naming the methods an endpoint answers. */
    public void methodNotAllowed(HttpServletResponse response, String allow, String text) throws IOException {
        response.setHeader("Allow", allow);
        page(response, 405, "Method not allowed", text);
    }

    /**
     * 503 when Portcullis's state store (its caches; with a cluster, the Terracotta server) does not
     * answer. The page says only that it is temporary and gives the reference; the cause is in the log.
     */
    public void unavailable(HttpServletResponse response, String correlationId) throws IOException {
        response.setHeader("Retry-After", "30");
        send(response, 503, "text/html", Pages.unavailable(correlationId), Pages.PAGE_CSP);
    }

    /**
     * 429 with Retry-After when an address has started too many sign-ins (issue 10: sign-in starts are
     * rationed): a page for a browser, JSON for a script.
     */
    public void tooManySignIns(HttpServletResponse response, long retryAfterSeconds, boolean html) throws IOException {
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        if (html) {
            send(response, 429, "text/html", Pages.tooManySignIns(retryAfterSeconds), Pages.PAGE_CSP);
        } else {
            send(response, 429, "application/json", "{\"error\":\"too_many_sign_ins\",\"message\":\"Too many sign-ins"
                    + " from this address; retry later.\",\"retry_after\":" + retryAfterSeconds + "}", null);
        }
    }

    /** The logout confirmation form. */
    public void logoutConfirmation(HttpServletResponse response, String action, String token, String user) throws IOException {
        send(response, 200, "text/html", Pages.logoutConfirmation(action, token, user), Pages.CONFIRM_CSP);
    }

    /** The signed-out page for a status: complete, partial, pending, local or none. */
    public void signedOut(HttpServletResponse response, String status) throws IOException {
        send(response, 200, "text/html", Pages.signedOut(status), Pages.PAGE_CSP);
    }

    /** A document of the given type, such as SP metadata. */
    public void document(HttpServletResponse response, String contentType, String body) throws IOException {
        send(response, 200, contentType, body, null);
    }

    private static void send(HttpServletResponse response, int status, String type, String body, String csp)
            throws IOException {
        headers(response, csp);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type + ";charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The headers of every Portcullis response; {@code csp} for HTML, null otherwise. */
    private static void headers(HttpServletResponse response, String csp) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        if (csp != null) {
            response.setHeader("Content-Security-Policy", csp);
            response.setHeader("X-Frame-Options", "DENY");
        }
    }
}
