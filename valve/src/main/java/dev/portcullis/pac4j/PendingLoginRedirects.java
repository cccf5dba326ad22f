package dev.portcullis.pac4j;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.engine.savedrequest.SavedRequestHandler;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.exception.http.SeeOtherAction;

import dev.portcullis.config.ExternalUrl;

/**
 * pac4j's saved-request strategy without a session: {@link #save} only notes the requested URL in the
 * request's {@link RequestState}, where {@link SamlRedirectionActionBuilder} puts it into the pending
 * login behind the RelayState; {@link #restore} sends the user back to it after the ACS. The URL is always a path
 * this server produced itself, re-checked here, and made absolute with the configured origin, so
 * nothing a request carries can make it point elsewhere.
 */
public final class PendingLoginRedirects implements SavedRequestHandler {

    private final ExternalUrl externalUrl;
    private final String defaultLandingPath;

    public PendingLoginRedirects(ExternalUrl externalUrl, String defaultLandingPath) {
        this.externalUrl = externalUrl;
        this.defaultLandingPath = defaultLandingPath;
    }

    @Override
    public void save(CallContext ctx) {
        ValveWebContext context = (ValveWebContext) ctx.webContext();
        context.state().requestedUrl(context.originalPathAndQuery());
    }

    @Override
    public HttpAction restore(CallContext ctx, String defaultUrl) {
        String target = defaultLandingPath;
        SignedIn saml = RequestState.of(ctx.webContext()).credentials();
        if (saml != null && isLocalPath(saml.originalUrl())) {
            target = saml.originalUrl();
        }
        return new SeeOtherAction(externalUrl.resolve(target));
    }

    /** A path on this origin: one leading slash, no backslash, no control characters. */
    public static boolean isLocalPath(String url) {
        if (url == null || url.isEmpty() || url.charAt(0) != '/' || url.startsWith("//")) {
            return false;
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c == '\\' || c < 0x21 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
