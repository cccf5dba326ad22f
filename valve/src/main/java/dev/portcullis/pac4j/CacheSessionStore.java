package dev.portcullis.pac4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.connector.Request;
import org.apache.tomcat.util.http.ServerCookie;
import org.apache.tomcat.util.http.ServerCookies;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.context.session.SessionStore;
import org.pac4j.core.profile.UserProfile;
import org.pac4j.core.util.Pac4jConstants;
import org.pac4j.jee.context.JEEContext;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.session.SsoSession;

/**
 * pac4j's session store, backed by the Ehcache session repository and Portcullis's own cookie
 * rather than the webapp's HttpSession (a Host-level valve has no webapp, and one sign-in must
 * serve them all).
 *
 * <ul>
 *   <li>Only the user profile is persistent. Saving a profile creates a brand-new session with a
 *       fresh id (never reusing one a request presented, so no session fixation) and sets the
 *       cookie; saving an empty profile ends the session.</li>
 *   <li>Any other key pac4j uses is kept in the request's {@link RequestState} only: nothing a browser
 *       sends before signing in makes Portcullis store anything, apart from the bounded pending-login
 *       cache.</li>
 *   <li>The cookie is resolved once per request, the result kept in the {@link RequestState}: one cache
 *       read, whatever pac4j (or the engine's fast path) asks.</li>
 * </ul>
 * The "session id" pac4j sees (and may log) is a short hash, never the cookie value. Thread-safe.
 */
public final class CacheSessionStore implements SessionStore {

    private final SessionRepository sessions;
    private final SessionCookies cookies;
    private final AuditLog audit;
    private final String clientName;
    private final dev.portcullis.session.SessionEndListener ends;

    public CacheSessionStore(SessionRepository sessions, SessionCookies cookies, AuditLog audit, String clientName,
                             dev.portcullis.session.SessionEndListener ends) {
        this.sessions = sessions;
        this.cookies = cookies;
        this.audit = audit;
        this.clientName = clientName;
        this.ends = ends;
    }

    /** The current request's session lookup, done at most once per request. */
    public Current current(WebContext context) {
        return current(RequestState.of(context));
    }

    /**
     * The current request's session: the cookie read and one cache lookup, done at most once per request
     * (the result is kept in the request's state). A session that ended (idle, lifetime) is audited, and
     * the browser told to drop its cookie.
     */
    public Current current(RequestState state) {
        Current cached = state.session();
        if (cached != null) {
            return cached;
        }
        HttpServletRequest request = state.request();
        String id = cookies.read(request);
        Current current;
        if (id == null) {
            current = Current.NONE;
        } else {
            SessionRepository.Lookup lookup = sessions.find(id);
            if (lookup.found()) {
                current = new Current(id, lookup.session());
            } else {
                if (lookup.ended() != null) {
                    SsoSession ended = lookup.ended();
                    audit.sessionExpired(ended.principal(), ended.idpEntityId(), SessionIds.logHash(id),
                            request.getRemoteAddr(), expiry(lookup.cause()));
                }
                // A cookie for no session: tell the browser to drop it.
                cookies.clear(state.response());
                current = Current.NONE;
            }
        }
        state.session(current);
        return current;
    }

    @Override
    public Optional<String> getSessionId(WebContext context, boolean createSession) {
        Current current = current(context);
        return current.id() == null ? Optional.empty() : Optional.of(SessionIds.logHash(current.id()));
    }

    @Override
    public Optional<Object> get(WebContext context, String key) {
        if (Pac4jConstants.USER_PROFILES.equals(key)) {
            Current current = current(context);
            if (current.session() == null) {
                return Optional.empty();
            }
            LinkedHashMap<String, UserProfile> profiles = new LinkedHashMap<>(2);
            profiles.put(clientName, new SamlProfile(current.session(), null, clientName));
            return Optional.of(profiles);
        }
        return RequestState.of(context).pac4jValue(key);
    }

    @Override
    public void set(WebContext context, String key, Object value) {
        if (!Pac4jConstants.USER_PROFILES.equals(key)) {
            RequestState.of(context).pac4jValue(key, value);
            return;
        }
        SamlProfile profile = null;
        if (value instanceof Map<?, ?> map) {
            for (Object candidate : map.values()) {
                if (candidate instanceof SamlProfile saml) {
                    profile = saml;
                }
            }
        }
        if (profile == null) {
            destroySession(context);
            return;
        }
        if (profile.correlationId() == null) {
            // A profile loaded from the store and written back unchanged: nothing to do.
            return;
        }
        Current previous = current(context);
        if (previous.id() != null) {
            sessions.remove(previous.id());
        }
        SsoSession session = profile.session();
        String id = sessions.create(session);
        cookies.write(response(context), id);
        RequestState.of(context).session(new Current(id, session));
        SignedIn credentials = RequestState.of(context).credentials();
        audit.loginSuccess(session.principal(), session.idpEntityId(), SessionIds.logHash(id), context.getRemoteAddr(),
                profile.correlationId(), session.authnContextClassRef(), credentials != null && credentials.stepUp());
    }

    @Override
    public boolean destroySession(WebContext context) {
        Current current = current(context);
        if (current.id() == null) {
            return false;
        }
        SsoSession removed = sessions.remove(current.id());
        cookies.clear(response(context));
        RequestState.of(context).session(Current.NONE);
        if (removed != null) {
            audit.logout(removed.principal(), removed.idpEntityId(), SessionIds.logHash(current.id()),
                    context.getRemoteAddr(), AuditLog.LogoutCause.LOCAL);
            ends.ended(removed);
        }
        return removed != null;
    }

    /** The audit code of an expiry, written out: it crosses into SIEM rules, so it never follows an enum name. */
    private static AuditLog.ExpiryCause expiry(SsoSession.EndCause cause) {
        return switch (cause) {
            case IDLE -> AuditLog.ExpiryCause.IDLE;
            case LIFETIME -> AuditLog.ExpiryCause.LIFETIME;
        };
    }

    @Override
    public Optional<Object> getTrackableSession(WebContext context) {
        return Optional.empty();
    }

    @Override
    public Optional<SessionStore> buildFromTrackableSession(WebContext context, Object trackableSession) {
        return Optional.empty();
    }

    /** Sessions are always created new when a profile is saved, so there is nothing to renew. */
    @Override
    public boolean renewSession(WebContext context) {
        return current(context).id() != null;
    }

    private static HttpServletResponse response(WebContext context) {
        return ((JEEContext) context).getNativeResponse();
    }

    /** Clears the session cookie in this response (the session itself already ended elsewhere). */
    public void forget(RequestState state) {
        if (current(state).id() != null) {
            cookies.clear(state.response());
            state.session(Current.NONE);
        }
    }

    /** The session of the current request, or none. */
    public record Current(String id, SsoSession session) {
        static final Current NONE = new Current(null, null);
    }

    /** Reads and writes the session cookie. */
    public static final class SessionCookies {
        private final String name;
        private final String path;
        private final boolean secure;

        public SessionCookies(String name, String path, boolean secure) {
            this.name = name;
            this.path = path;
            this.secure = secure;
        }

        /** The cookie's value, or null; with several cookies of that name, the first well-formed one. */
        public String read(HttpServletRequest request) {
            if (request instanceof Request catalina) {
                return read(catalina.getServerCookies());
            }
            Cookie[] all = request.getCookies();
            if (all == null) {
                return null;
            }
            for (Cookie cookie : all) {
                if (name.equals(cookie.getName()) && SessionIds.looksLikeToken(cookie.getValue(), SessionRepository.ID_BYTES)) {
                    return cookie.getValue();
                }
            }
            return null;
        }

        /**
         * The same from Tomcat's parsed cookies, without turning every cookie of the request into a
         * {@link Cookie} (which Tomcat would otherwise do on every request, for ours alone).
         */
        private String read(ServerCookies all) {
            for (int i = 0; i < all.getCookieCount(); i++) {
                ServerCookie cookie = all.getCookie(i);
                if (cookie.getName().equals(name)) {
                    String value = cookie.getValue().toString();
                    if (SessionIds.looksLikeToken(value, SessionRepository.ID_BYTES)) {
                        return value;
                    }
                }
            }
            return null;
        }

        public void write(HttpServletResponse response, String id) {
            response.addHeader("Set-Cookie", header(id, -1));
        }

        public void clear(HttpServletResponse response) {
            response.addHeader("Set-Cookie", header("", 0));
        }

        /** HttpOnly, SameSite=Lax (the cookie must travel on the top-level redirect back from the IdP), Secure on https. */
        String header(String value, int maxAge) {
            StringBuilder header = new StringBuilder(128).append(name).append('=').append(value)
                    .append("; Path=").append(path);
            if (maxAge >= 0) {
                header.append("; Max-Age=").append(maxAge).append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
            }
            if (secure) {
                header.append("; Secure");
            }
            return header.append("; HttpOnly; SameSite=Lax").toString();
        }
    }
}
