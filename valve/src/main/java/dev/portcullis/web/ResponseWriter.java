package dev.portcullis.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.pac4j.core.context.WebContext;
import org.pac4j.core.exception.http.ForbiddenAction;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.exception.http.UnauthorizedAction;
import org.pac4j.core.exception.http.WithContentAction;
import org.pac4j.core.exception.http.WithLocationAction;
import org.pac4j.core.http.adapter.HttpActionAdapter;
import org.pac4j.jee.context.JEEContext;

import dev.portcullis.pac4j.AutoPostAction;
import dev.portcullis.pac4j.LoginFailedAction;
import dev.portcullis.pac4j.LogoutContinueAction;
import dev.portcullis.pac4j.TooManySignInsAction;

/**
 * The one place that writes Portcullis's own HTTP responses, from the actions pac4j's engine returns.
 * Every response it writes is private and uncacheable; pages carry a strict Content-Security-Policy.
 * Thread-safe.
 */
public final class ResponseWriter implements HttpActionAdapter {

    /** The body of a 401 for scripts and API clients. */
    static final String UNAUTHENTICATED_JSON = "{\"error\":\"authentication_required\","
            + "\"message\":\"Sign in with a browser, then retry.\"}";

    @Override
    public Object adapt(HttpAction action, WebContext context) {
        HttpServletResponse response = ((JEEContext) context).getNativeResponse();
        try {
            write(action, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }

    /** Writes an action; also used by the valve for its own endpoints. */
    public void write(HttpAction action, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        int code = action.getCode();
        if (action instanceof LoginFailedAction failed) {
            html(response, 403, Pages.loginFailed(failed.correlationId()), Pages.PAGE_CSP);
        } else if (action instanceof LogoutContinueAction logout) {
            html(response, 200, Pages.logoutContinue(logout.message()), Pages.FORM_CSP);
        } else if (action instanceof TooManySignInsAction limited) {
            tooManySignIns(response, limited);
        } else if (action instanceof AutoPostAction post) {
            html(response, 200, Pages.autoPost(post.message()), Pages.FORM_CSP);
        } else if (action instanceof WithLocationAction redirect) {
            response.setStatus(code);
            response.setHeader("Location", redirect.getLocation());
        } else if (action instanceof UnauthorizedAction) {
            body(response, 401, "application/json", UNAUTHENTICATED_JSON);
        } else if (action instanceof ForbiddenAction) {
            html(response, 403, Pages.status(403, "Access denied", "You are signed in but may not open this page."),
                    Pages.PAGE_CSP);
        } else if (action instanceof WithContentAction content && content.getContent() != null
                && !content.getContent().isEmpty()) {
            body(response, code, "text/plain", content.getContent());
        } else {
            response.setStatus(code);
        }
    }

    /** 429 with Retry-After: a page for a browser, JSON for a script (issue 10: sign-in starts are rationed). */
    private static void tooManySignIns(HttpServletResponse response, TooManySignInsAction limited) throws IOException {
        response.setHeader("Retry-After", Long.toString(limited.retryAfterSeconds()));
        if (limited.html()) {
            html(response, 429, Pages.tooManySignIns(limited.retryAfterSeconds()), Pages.PAGE_CSP);
        } else {
            body(response, 429, "application/json", "{\"error\":\"too_many_sign_ins\",\"message\":\"Too many sign-ins"
                    + " from this address; retry later.\",\"retry_after\":" + limited.retryAfterSeconds() + "}");
        }
    }

    /** Writes a page of Portcullis's own (status pages, metadata errors). */
    public void page(HttpServletResponse response, int status, String title, String text) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        html(response, status, Pages.status(status, title, text), Pages.PAGE_CSP);
    }

    /**
     * 503 when Portcullis's state store (its caches; with a cluster, the Terracotta server) does not
     * answer. The page says only that it is temporary and gives the reference; the cause is in the log.
     */
    public void unavailable(HttpServletResponse response, String correlationId) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Retry-After", "30");
        html(response, 503, Pages.unavailable(correlationId), Pages.PAGE_CSP);
    }

    /** The logout confirmation form. */
    public void logoutConfirmation(HttpServletResponse response, String action, String token, String user) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        html(response, 200, Pages.logoutConfirmation(action, token, user), Pages.CONFIRM_CSP);
    }

    /** The signed-out page for a status: complete, partial, pending, local or none. */
    public void signedOut(HttpServletResponse response, String status) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        html(response, 200, Pages.signedOut(status), Pages.PAGE_CSP);
    }

    /** Writes a document of the given type, such as SP metadata. */
    public void document(HttpServletResponse response, String contentType, String body) throws IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        body(response, 200, contentType, body);
    }

    private static void html(HttpServletResponse response, int status, String html, String csp) throws IOException {
        response.setHeader("Content-Security-Policy", csp);
        response.setHeader("X-Frame-Options", "DENY");
        body(response, status, "text/html", html);
    }

    private static void body(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type + ";charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
