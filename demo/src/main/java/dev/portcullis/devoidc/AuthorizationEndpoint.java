package dev.portcullis.devoidc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.portcullis.devidp.DevUser;
import dev.portcullis.devidp.Html;
import dev.portcullis.devidp.SessionCookie;

/**
 * {@code /authorize} and the login form behind it. A checked request ({@link AuthorizationRequests}) is
 * answered at once from the browser's session at the provider when that session satisfies it (no
 * {@code prompt=login}, not older than {@code max_age}, an {@code acr} among the {@code acr_values});
 * otherwise it is kept pending under a login token, the login form is shown, and the right credentials
 * start a session (cookie). The answer is a redirect to the registered redirect URI with a single-use
 * code, the client's {@code state} and the {@code iss} of RFC 9207 (so that a client talking to several
 * providers can tell which one answered). Thread-safe.
 */
final class AuthorizationEndpoint {

    private static final System.Logger LOG = System.getLogger(AuthorizationEndpoint.class.getName());

    /** How long a user may take on the login page. */
    static final Duration LOGIN_TIMEOUT = Duration.ofMinutes(10);
    /** How long a sign-in at the provider lasts. */
    static final Duration SESSION_LIFETIME = Duration.ofHours(8);
    static final int MAX_ENTRIES = 10_000;

    private final AuthorizationRequests requests;
    private final ExpiringStore<AuthorizationRequest> pending;
    private final ExpiringStore<OpSession> sessions;
    private final ExpiringStore<CodeGrant> codes;
    private final SessionCookie cookie;
    private final Map<String, DevUser> users;
    private final String issuer;
    private final String clientId;
    private final Clock clock;

    AuthorizationEndpoint(DevOidcConfig config, String issuer, ExpiringStore<OpSession> sessions,
                          ExpiringStore<CodeGrant> codes, SessionCookie cookie) {
        this.requests = new AuthorizationRequests(config.clientId(), config.redirectUri());
        this.pending = new ExpiringStore<>(config.clock(), LOGIN_TIMEOUT, MAX_ENTRIES, "sign-ins pending");
        this.sessions = sessions;
        this.codes = codes;
        this.cookie = cookie;
        this.users = config.users();
        this.issuer = issuer;
        this.clientId = config.clientId();
        this.clock = config.clock();
    }

    /** {@code GET} or {@code POST /authorize} (OpenID Connect Core 1.0 section 3.1.2.1: both are supported). */
    void authorize(HttpServletRequest httpRequest, HttpServletResponse response) throws IOException {
        AuthorizationRequest request;
        try {
            request = requests.read(httpRequest.getParameterMap());
        } catch (OidcRejected e) {
            refuse(response, e);
            return;
        } catch (AuthorizationError e) {
            LOG.log(Level.INFO, "Development OIDC provider refused an authorization request, {0}: {1}", e.reason(), e.getMessage());
            Html.redirect(response, errorRedirect(e));
            return;
        }
        Instant now = clock.instant();
        Optional<OpSession> session = sessions.find(cookie.read(httpRequest))
                .filter(existing -> satisfies(existing, request, now));
        if (session.isPresent()) {
            answer(response, session.get(), request, "from its session at the provider");
            return;
        }
        if (request.prompt().contains("none")) {
            // OpenID Connect Core 1.0 section 3.1.2.6: prompt=none must not show any page.
            Html.redirect(response, errorRedirect(new AuthorizationError(OidcRejection.LOGIN_REQUIRED,
                    "prompt=none without a session that satisfies the request", request.redirectUri(), request.state())));
            return;
        }
        String loginToken;
        try {
            loginToken = pending.add(request);
        } catch (OidcRejected e) {
            refuse(response, e);
            return;
        }
        OidcPages.login(response, loginToken, clientId, null);
    }

    /**
     * {@code POST /login}: checks the credentials posted with a login token and answers the pending request,
     * or shows the form again. A new sign-in of the user this browser was already signed in as keeps
     * that session's sid (the client's record of it stays valid), as a step-up at a real provider does.
     */
    void login(HttpServletRequest httpRequest, HttpServletResponse response) throws IOException {
        String loginToken = httpRequest.getParameter("login");
        Optional<AuthorizationRequest> pendingRequest = pending.find(loginToken);
        if (pendingRequest.isEmpty()) {
            refuse(response, new OidcRejected(OidcRejection.UNKNOWN_LOGIN, "no pending sign-in under the posted login token"));
            return;
        }
        DevUser user = authenticate(httpRequest.getParameter("username"), httpRequest.getParameter("password"));
        if (user == null) {
            LOG.log(Level.INFO, "Development OIDC provider: invalid username or password for a sign-in to [{0}]", clientId);
            OidcPages.login(response, loginToken, clientId, OidcPages.INVALID_CREDENTIALS);
            return;
        }
        if (pending.take(loginToken).isEmpty()) {
            // Another request with the same token won the race: one login answers one request.
            refuse(response, new OidcRejected(OidcRejection.UNKNOWN_LOGIN, "the sign-in was completed concurrently"));
            return;
        }
        AuthorizationRequest request = pendingRequest.get();
        String previousToken = cookie.read(httpRequest);
        String sid = sessions.find(previousToken).filter(previous -> previous.user().username().equals(user.username()))
                .map(OpSession::sid).orElse(UUID.randomUUID().toString());
        // The acr asked for, when any: this provider has one way to sign in, and a password typed just now
        // is what the demo's step-up stands for.
        String acr = request.acrValues().isEmpty() ? DevOidcConfig.DEFAULT_ACR : request.acrValues().get(0);
        OpSession session = new OpSession(user, clock.instant(), sid, acr);
        String sessionToken;
        try {
            sessionToken = sessions.add(session);
        } catch (OidcRejected e) {
            refuse(response, e);
            return;
        }
        if (previousToken != null) {
            sessions.take(previousToken);
        }
        cookie.set(response, sessionToken);
        answer(response, session, request, "after the login form");
    }

    /** Whether a live session answers the request without the login form. */
    private static boolean satisfies(OpSession session, AuthorizationRequest request, Instant now) {
        if (request.prompt().contains("login")) {
            return false;
        }
        if (request.maxAge() != null && Duration.between(session.authTime(), now).getSeconds() > request.maxAge()) {
            return false;
        }
        return request.acrValues().isEmpty() || request.acrValues().contains(session.acr());
    }

    /** The code for the client, by redirect to its registered URI. */
    private void answer(HttpServletResponse response, OpSession session, AuthorizationRequest request, String how)
            throws IOException {
        String code;
        try {
            code = codes.add(new CodeGrant(request, session, clock.instant()));
        } catch (OidcRejected e) {
            refuse(response, e);
            return;
        }
        LOG.log(Level.INFO, "Development OIDC provider: [{0}] signed in {1}; code sent to [{2}]",
                session.user().username(), how, request.redirectUri());
        StringBuilder location = new StringBuilder(request.redirectUri())
                .append(request.redirectUri().contains("?") ? '&' : '?')
                .append("code=").append(encode(code));
        if (request.state() != null) {
            location.append("&state=").append(encode(request.state()));
        }
        location.append("&iss=").append(encode(issuer));
        Html.redirect(response, location.toString());
    }

    private static String errorRedirect(AuthorizationError e) {
        StringBuilder location = new StringBuilder(e.redirectUri()).append(e.redirectUri().contains("?") ? '&' : '?')
                .append("error=").append(encode(e.reason().error()))
                .append("&error_description=").append(encode(e.reason().publicMessage()));
        if (e.state() != null) {
            location.append("&state=").append(encode(e.state()));
        }
        return location.toString();
    }

    /** Answers on the provider's own page with the reason's fixed text; the precise detail goes to the log only. */
    static void refuse(HttpServletResponse response, OidcRejected rejection) throws IOException {
        LOG.log(Level.INFO, "Development OIDC provider refused a request, {0}: {1}", rejection.reason(), rejection.getMessage());
        int status = rejection.reason() == OidcRejection.TOO_MANY_PENDING ? 503 : 400;
        OidcPages.error(response, status, rejection.reason().publicMessage());
    }

    /** The user with these credentials, or null; compares digests in constant time, known user or not. */
    private DevUser authenticate(String username, String password) {
        if (username == null || password == null) {
            return null;
        }
        DevUser user = users.get(username);
        boolean matches = MessageDigest.isEqual(sha256(user == null ? "\u0000no such user" : user.password()), sha256(password));
        return user != null && matches ? user : null;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
