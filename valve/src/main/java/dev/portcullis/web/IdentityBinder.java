package dev.portcullis.web;

import org.apache.catalina.connector.Request;

import dev.portcullis.session.SsoSession;

/**
 * Gives the webapp the signed-in user, the standard way: a {@link SamlPrincipal} (a Tomcat
 * {@code GenericPrincipal} with the roles), so that {@code getRemoteUser()}, {@code getUserPrincipal()},
 * {@code isUserInRole()} and the webapp's own {@code <security-constraint>}s work unchanged and the SAML
 * attributes are one cast away; with exposeAttributes, the same as request attributes for webapps
 * that cannot compile against the valve (each request attribute costs Tomcat work on every request,
 * so they are off by default); and the configured {@link IdentityHeaders}, which {@link #strip} first
 * removes from every request. Nothing here does I/O or crypto. Thread-safe.
 */
public final class IdentityBinder {

    /** Authentication type reported by {@code getAuthType()}. */
    public static final String AUTH_TYPE = "SAML";
    /** Request attribute with all SAML attributes, a {@code Map<String, List<String>>}. */
    public static final String ATTRIBUTES = "portcullis.attributes";
    /** Request attribute with the NameID. */
    public static final String NAME_ID = "portcullis.nameId";
    /** Request attribute with the AuthnContextClassRef of the sign-in. */
    public static final String AUTHN_CONTEXT = "portcullis.authnContextClassRef";

    private final boolean exposeAttributes;
    private final IdentityHeaders headers;

    public IdentityBinder(boolean exposeAttributes, IdentityHeaders headers) {
        this.exposeAttributes = exposeAttributes;
        this.headers = headers;
    }

    /** Removes every identity header a client sent; called first on every request. */
    public void strip(Request request) {
        headers.strip(request);
    }

    /** Makes the session's user the request's user (after {@link #strip}). */
    public void bind(Request request, SsoSession session) {
        request.setUserPrincipal(new SamlPrincipal(session));
        request.setAuthType(AUTH_TYPE);
        if (exposeAttributes) {
            // One map for all of them: every request attribute Tomcat stores costs a map insert and a copy of the
            // context's listener list, whether a webapp reads it or not.
            request.setAttribute(ATTRIBUTES, new SessionAttributes(session));
            request.setAttribute(NAME_ID, session.nameId());
            if (session.authnContextClassRef() != null) {
                request.setAttribute(AUTHN_CONTEXT, session.authnContextClassRef());
            }
        }
        headers.add(request, session);
    }
}
