package dev.portcullis.web;

import java.io.Serial;
import java.util.List;
import java.util.Map;

import org.apache.catalina.realm.GenericPrincipal;

import dev.portcullis.session.SsoSession;

/**
 * The principal every webapp behind Portcullis gets from {@code getUserPrincipal()}: a Tomcat
 * {@link GenericPrincipal} (name and roles, so {@code getRemoteUser()}, {@code isUserInRole()} and
 * {@code <security-constraint>}s work unchanged) that also carries what the IdP asserted. A webapp that
 * wants the SAML attributes compiles against the valve JAR ({@code provided} scope: Tomcat's
 * {@code lib/} has it) and casts:
 *
 * <pre>{@code
 * if (request.getUserPrincipal() instanceof SamlPrincipal saml) {
 *     List<String> mail = saml.getAttributes().get("mail");
 * }
 * }</pre>
 *
 * The attributes are decoded from the session only when read. When a webapp's own session is
 * serialized, Tomcat stores a plain principal in its place (name and roles only).
 */
public final class SamlPrincipal extends GenericPrincipal {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient SsoSession session;
    private transient Map<String, List<String>> attributes;

    SamlPrincipal(SsoSession session) {
        super(session.principal(), session.roles());
        this.session = session;
    }

    /** Every SAML attribute of the sign-in, by name, in the IdP's order; read-only. */
    public Map<String, List<String>> getAttributes() {
        Map<String, List<String>> map = attributes;
        if (map == null) {
            map = new SessionAttributes(session);
            attributes = map;
        }
        return map;
    }

    /** The NameID exactly as the IdP issued it (the name may be another attribute: principalAttribute). */
    public String getNameId() {
        return session.nameId();
    }

    /** How the user authenticated at the IdP (the AuthnContextClassRef), or null when it did not say. */
    public String getAuthnContextClassRef() {
        return session.authnContextClassRef();
    }

    /** The entityID of the IdP that asserted this identity. */
    public String getIdpEntityId() {
        return session.idpEntityId();
    }
}
