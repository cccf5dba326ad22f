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
final class SessionCookie {

    static final String NAME = "PORTCULLIS_DEVIDP";

    private final boolean secure;

    SessionCookie(boolean secure) {
        this.secure = secure;
    }

    /** The token the browser sent, or null. */
    String read(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (NAME.equals(cookie.getName())) {
                return cookie.getValue();
            }
        }
        return null;
    }

    void set(HttpServletResponse response, String token) {
        if (!token.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("an IdP session token is URL-safe base64");
        }
        response.addHeader("Set-Cookie", header(token, ""));
    }

    void clear(HttpServletResponse response) {
        response.addHeader("Set-Cookie", header("", "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
    }

    private String header(String value, String expiry) {
        return NAME + "=" + value + "; Path=/" + expiry + (secure ? "; Secure" : "") + "; HttpOnly; SameSite=Lax";
    }
}
