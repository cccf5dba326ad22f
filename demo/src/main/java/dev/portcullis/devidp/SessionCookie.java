package dev.portcullis.devidp;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The IdP session cookie: HttpOnly, SameSite=Lax, path {@code /}, Secure when the IdP is reached over
 * https. Browsers share cookies between ports of one host, so on localhost the IdP and the service
 * provider see each other's cookies; the name differs from every cookie a Tomcat webapp or the valve
 * sets. Immutable.
 *
 * <p>The cookie is written as a {@code Set-Cookie} header: Servlet 4.0 (Tomcat 9, where the javax variant
 * of this IdP runs in the Tomcat 9 integration tests) has no {@code Cookie.setAttribute} for SameSite.
 */
public final class SessionCookie {

    /** The development IdP's cookie. */
    public static final String NAME = "PORTCULLIS_DEVIDP";

    private final String name;
    private final boolean secure;

    /** The development IdP's cookie, {@link #NAME}. */
    SessionCookie(boolean secure) {
        this(NAME, secure);
    }

    /** A cookie of another name, for another development server on the same host (such as the OIDC provider's). */
    public SessionCookie(String name, boolean secure) {
        this.name = name;
        this.secure = secure;
    }

    /** The token the browser sent, or null. */
    public String read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (name.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    public void set(HttpServletResponse response, String token) {
        if (!token.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("a session token is URL-safe base64");
        }
        response.addHeader("Set-Cookie", header(token, ""));
    }

    public void clear(HttpServletResponse response) {
        response.addHeader("Set-Cookie", header("", "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
    }

    private String header(String value, String expiry) {
        return name + "=" + value + "; Path=/" + expiry + (secure ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
    }
}
