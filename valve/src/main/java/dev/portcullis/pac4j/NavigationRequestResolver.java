package dev.portcullis.pac4j;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.exception.http.HttpAction;
import org.pac4j.core.exception.http.UnauthorizedAction;
import org.pac4j.core.http.ajax.AjaxRequestResolver;
import org.pac4j.core.redirect.RedirectionActionBuilder;

/**
 * Tells a page navigation, which may be redirected to the IdP, from a script or API call, which gets
 * 401 instead: a redirect to an IdP login page is useless to {@code fetch()} and would create a
 * pending sign-in for nothing. A request is a navigation when it does not carry
 * {@code X-Requested-With: XMLHttpRequest} and either says {@code Sec-Fetch-Mode: navigate} or accepts
 * HTML. No request parameter is read, so a POST body is never parsed here.
 */
public final class NavigationRequestResolver implements AjaxRequestResolver {

    @Override
    public boolean isAjax(CallContext ctx) {
        return !isNavigation(ctx.webContext());
    }

    /** Whether the request is a browser navigation. */
    public static boolean isNavigation(WebContext context) {
        String requestedWith = context.getRequestHeader("X-Requested-With").orElse(null);
        if (requestedWith != null && requestedWith.equalsIgnoreCase("XMLHttpRequest")) {
            return false;
        }
        String mode = context.getRequestHeader("Sec-Fetch-Mode").orElse(null);
        if (mode != null) {
            return mode.equalsIgnoreCase("navigate");
        }
        String accept = context.getRequestHeader("Accept").orElse(null);
        return accept != null && (accept.contains("text/html") || accept.contains("application/xhtml+xml"));
    }

    @Override
    public HttpAction buildAjaxResponse(CallContext ctx, RedirectionActionBuilder redirectionActionBuilder) {
        return new UnauthorizedAction();
    }
}
