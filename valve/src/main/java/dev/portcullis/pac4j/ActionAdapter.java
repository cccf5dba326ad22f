package dev.portcullis.pac4j;

import java.io.IOException;
import java.io.UncheckedIOException;

import jakarta.servlet.http.HttpServletResponse;

import org.pac4j.core.context.WebContext;
import org.pac4j.core.exception.http.ForbiddenAction;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.exception.http.UnauthorizedAction;
import org.pac4j.core.exception.http.WithContentAction;
import org.pac4j.core.exception.http.WithLocationAction;
import org.pac4j.core.http.adapter.HttpActionAdapter;
import org.pac4j.jee.context.JEEContext;

import dev.portcullis.audit.Counters;
import dev.portcullis.web.ResponseWriter;

/**
 * pac4j's action adapter: turns the action pac4j's logics end with (a redirect to the IdP, a refused
 * sign-in, a 401 for a script, ...) into the matching {@link ResponseWriter} call, which writes the
 * response. The only place pac4j's actions become HTTP. Thread-safe.
 */
public final class ActionAdapter implements HttpActionAdapter {

    private final ResponseWriter writer;
    private final Counters counters;

    /** {@code counters}: where the answers without an audit line of their own (401, LogoutRequest sent) are counted. */
    public ActionAdapter(ResponseWriter writer, Counters counters) {
        this.writer = writer;
        this.counters = counters;
    }

    @Override
    public Object adapt(HttpAction action, WebContext context) {
        HttpServletResponse response = ((JEEContext) context).getNativeResponse();
        try {
            if (action instanceof LoginFailedAction failed) {
                writer.loginFailed(response, failed.correlationId());
            } else if (action instanceof LogoutContinueAction logout) {
                counters.loggedOut(Counters.LOGOUT_SP_SLO, 1);
                writer.logoutContinue(response, logout.message());
            } else if (action instanceof TooManySignInsAction limited) {
                writer.tooManySignIns(response, limited.retryAfterSeconds(), limited.html());
            } else if (action instanceof AutoPostAction post) {
                writer.message(response, post.message());
            } else if (action instanceof WithLocationAction redirect) {
                writer.redirect(response, action.getCode(), redirect.getLocation());
            } else if (action instanceof UnauthorizedAction) {
                counters.scriptUnauthorized();
                writer.unauthenticated(response);
            } else if (action instanceof ForbiddenAction) {
                writer.page(response, 403, "Access denied", "You are signed in but may not open this page.");
            } else {
                writer.status(response, action.getCode(),
                        action instanceof WithContentAction content ? content.getContent() : null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return null;
    }
}
