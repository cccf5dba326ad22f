package dev.portcullis.pac4j;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pac4j.core.context.FrameworkParameters;
import org.pac4j.core.context.WebContext;

/**
 * Everything that travels with one request between the engine and the pac4j components, typed, in
 * one object the engine makes and pac4j's {@link ValveWebContext} carries: never request attributes,
 * which a webapp (or another valve) could read or set, and which cost Tomcat a map insert and a copy
 * of the context's listener list each. Lives for one request, on the thread serving it; not
 * thread-safe.
 *
 * <ul>
 *   <li>the session lookup: the cookie read and one cache read, done at most once per request
 *       ({@link CacheSessionStore#current});</li>
 *   <li>on a sign-in start: the URL to return to ({@link PendingLoginRedirects#save}, read by
 *       {@link SamlRedirectionActionBuilder}) and whether it is a step-up
 *       ({@link PortcullisSecurityLogic});</li>
 *   <li>at the ACS: the validated credentials, whose remembered URL is where the user goes next
 *       ({@link PendingLoginRedirects#restore});</li>
 *   <li>whatever else pac4j keeps "in the session" for the length of one request
 *       ({@link CacheSessionStore} keeps only the profile across requests).</li>
 * </ul>
 */
public final class RequestState implements FrameworkParameters {

    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final String path;
    private CacheSessionStore.Current session;
    private String requestedUrl;
    private boolean stepUp;
    private SignedIn credentials;
    private Map<String, Object> pac4jValues;

    /**
     * @param path the request path within the valve's scope: the whole normalized path at Host level,
     *             the path below the context path at Context level
     */
    public RequestState(HttpServletRequest request, HttpServletResponse response, String path) {
        this.request = request;
        this.response = response;
        this.path = path;
    }

    /** The state a {@link ValveWebContext} carries (every web context pac4j gets from the engine is one). */
    public static RequestState of(WebContext context) {
        return ((ValveWebContext) context).state();
    }

    public HttpServletRequest request() {
        return request;
    }

    public HttpServletResponse response() {
        return response;
    }

    public String path() {
        return path;
    }

    /** The session lookup made for this request, or null before the first one. */
    CacheSessionStore.Current session() {
        return session;
    }

    void session(CacheSessionStore.Current current) {
        this.session = current;
    }

    /** Where to return after the sign-in this request starts, or null (a script, or no sign-in). */
    public String requestedUrl() {
        return requestedUrl;
    }

    void requestedUrl(String url) {
        this.requestedUrl = url;
    }

    /** Whether the sign-in this request starts asks for the step-up authentication context. */
    public boolean stepUp() {
        return stepUp;
    }

    void stepUp(boolean stepUp) {
        this.stepUp = stepUp;
    }

    /** The credentials the ACS validated in this request, or null. */
    SignedIn credentials() {
        return credentials;
    }

    /** Records what the callback (SAML's ACS, OIDC's redirect URI) validated in this request. */
    public void credentials(SignedIn validated) {
        this.credentials = validated;
    }

    Optional<Object> pac4jValue(String key) {
        return pac4jValues == null ? Optional.empty() : Optional.ofNullable(pac4jValues.get(key));
    }

    void pac4jValue(String key, Object value) {
        if (pac4jValues == null) {
            pac4jValues = new HashMap<>(4);
        }
        pac4jValues.put(key, value);
    }
}
