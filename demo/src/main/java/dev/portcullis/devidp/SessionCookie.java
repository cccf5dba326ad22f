package dev.portcullis.devidp;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The IdP session cookie: HttpOnly, SameSite=Lax, path {@code /}, Secure when the IdP is reached over
 * https. Browsers share cookies between ports of one host, so on localhost the IdP and the service
 * provider see each other's cookies; the name differs from every cookie a Tomcat webapp or the valve
 * sets. Immutable.
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
        response.addCookie(cookie(token, -1));
    }

    void clear(HttpServletResponse response) {
        response.addCookie(cookie("", 0));
    }

    private Cookie cookie(String value, int maxAge) {
        Cookie cookie = new Cookie(NAME, value);
        cookie.setPath("/");
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setMaxAge(maxAge);
        cookie.setAttribute("SameSite", "Lax");
        return cookie;
    }
}
