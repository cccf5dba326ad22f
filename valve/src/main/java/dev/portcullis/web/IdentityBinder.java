package dev.portcullis.web;

import java.util.concurrent.ConcurrentHashMap;

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

    /** Distinct attribute names whose request-attribute names are kept; an IdP sends a few dozen at most. */
    static final int MAX_NAMES = 1024;

    private final boolean exposeAttributes;
    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();

    public IdentityBinder(boolean exposeAttributes) {
        this.exposeAttributes = exposeAttributes;
    }

    /**
     * {@code portcullis.attribute.NAME}, the same String instance for the same name every time: Tomcat
     * hashes each attribute name it is given, and a String computes its hash once.
     */
    String attributeName(String name) {
        String known = names.get(name);
        if (known != null) {
            return known;
        }
        String full = ATTRIBUTE_PREFIX + name;
        if (names.size() < MAX_NAMES) {
            names.putIfAbsent(name, full);
        }
        return full;
    }

    public void bind(Request request, SsoSession session) {
        request.setUserPrincipal(new GenericPrincipal(session.principal(), session.roles()));
        request.setAuthType(AUTH_TYPE);
        if (exposeAttributes) {
            SessionAttributes attributes = new SessionAttributes(session);
            request.setAttribute(ATTRIBUTES, attributes);
            for (int i = 0; i < session.attributeCount(); i++) {
                request.setAttribute(attributeName(session.attributeName(i)), attributes.lazyValues(i));
            }
            request.setAttribute(NAME_ID, session.nameId());
            if (session.authnContextClassRef() != null) {
                request.setAttribute(AUTHN_CONTEXT, session.authnContextClassRef());
            }
        }
    }
}
