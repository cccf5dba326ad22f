package dev.portcullis.web;

import java.util.List;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.catalina.realm.GenericPrincipal;

import dev.portcullis.session.SsoSession;

/**
 * Gives the webapp the signed-in user, the standard way: a Tomcat {@link GenericPrincipal} with the
 * roles, so that {@code getRemoteUser()}, {@code getUserPrincipal()}, {@code isUserInRole()} and the
 * webapp's own {@code <security-constraint>}s work unchanged; and, when enabled, the SAML attributes
 * as request attributes. Nothing here does I/O or crypto. Thread-safe.
 */
public final class IdentityBinder {

    /** Authentication type reported by {@code getAuthType()}. */
    public static final String AUTH_TYPE = "SAML";
    /** Request attribute with all SAML attributes, a {@code Map<String, List<String>>}. */
    public static final String ATTRIBUTES = "portcullis.attributes";
    /** Prefix of one request attribute per SAML attribute, each a {@code List<String>}. */
    public static final String ATTRIBUTE_PREFIX = "portcullis.attribute.";
    /** Request attribute with the NameID. */
    public static final String NAME_ID = "portcullis.nameId";
    /** Request attribute with the AuthnContextClassRef of the sign-in. */
    public static final String AUTHN_CONTEXT = "portcullis.authnContextClassRef";

    private final boolean exposeAttributes;

    public IdentityBinder(boolean exposeAttributes) {
        this.exposeAttributes = exposeAttributes;
    }

    public void bind(Request request, SsoSession session) {
        request.setUserPrincipal(new GenericPrincipal(session.principal(), session.roles()));
        request.setAuthType(AUTH_TYPE);
        if (exposeAttributes) {
            Map<String, List<String>> attributes = session.attributes();
            request.setAttribute(ATTRIBUTES, attributes);
            for (Map.Entry<String, List<String>> attribute : attributes.entrySet()) {
                request.setAttribute(ATTRIBUTE_PREFIX + attribute.getKey(), attribute.getValue());
            }
            request.setAttribute(NAME_ID, session.nameId());
            if (session.authnContextClassRef() != null) {
                request.setAttribute(AUTHN_CONTEXT, session.authnContextClassRef());
            }
        }
    }
}
