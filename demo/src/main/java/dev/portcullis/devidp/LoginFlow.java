package dev.portcullis.devidp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The sign-in itself, between an accepted request and the Response: a browser with a live IdP session
 * is answered at once (unless the SP asked for ForceAuthn); otherwise the request is kept pending under
 * a state token, the login form is shown, and the right credentials start an IdP session (cookie) and
 * are answered with the auto-posting form. A wrong password keeps the user on the login page with the
 * same pending request. Every Response records, in the IdP session, the NameID and SessionIndex given
 * to the SP, which Single Logout needs. Thread-safe.
 */
final class LoginFlow {

    private static final System.Logger LOG = System.getLogger(LoginFlow.class.getName());

    private final PendingLogins pending;
    private final Map<String, DevUser> users;
    private final ResponseIssuer issuer;
    private final Clock clock;
    private final String spEntityId;
    private final String acsUrl;
    private final String nameIdFormat;
    private final IdpSessions sessions;
    private final SessionCookie cookie;

    LoginFlow(DevIdpConfig config, ResponseIssuer issuer, IdpSessions sessions, SessionCookie cookie) {
        this.pending = new PendingLogins(config.clock());
        this.users = config.users();
        this.issuer = issuer;
        this.clock = config.clock();
        this.spEntityId = config.spEntityId();
        this.acsUrl = config.acsUrl();
        this.nameIdFormat = config.nameIdFormat();
        this.sessions = sessions;
        this.cookie = cookie;
    }

    /**
     * Answers at once from the browser's IdP session, or keeps the request and shows the login form.
     *
     * @param requestId  null for an IdP-initiated login
     * @param forceAuthn true to ask for the password even when the browser has an IdP session
     */
    void begin(HttpServletRequest request, HttpServletResponse response, String requestId, String relayState,
               boolean forceAuthn) throws IOException {
        Optional<IdpSession> session = forceAuthn ? Optional.empty() : sessions.find(cookie.read(request));
        if (session.isPresent()) {
            answer(response, session.get(), requestId, relayState, "from its IdP session");
            return;
        }
        String state;
        try {
            state = pending.add(requestId, relayState);
        } catch (RequestRejected e) {
            refuse(response, e);
            return;
        }
        IdpPages.login(response, state, spEntityId, null);
    }

    /**
     * Checks the credentials posted with a state token and answers with the Response, or the form again.
     * The browser's IdP session is kept when it is the same user's (a ForceAuthn sign-in), so that the
     * SessionIndex the SP already holds stays valid; otherwise a new session starts.
     */
    void complete(HttpServletRequest httpRequest, HttpServletResponse response, String state, String username,
                  String password) throws IOException {
        Optional<PendingLogin> login = pending.find(state);
        if (login.isEmpty()) {
            refuse(response, new RequestRejected(Rejection.UNKNOWN_STATE, "no pending sign-in under the posted state"));
            return;
        }
        DevUser user = authenticate(username, password);
        if (user == null) {
            LOG.log(Level.INFO, "Development IdP: invalid username or password for a sign-in to [{0}]", spEntityId);
            IdpPages.login(response, state, spEntityId, IdpPages.INVALID_CREDENTIALS);
            return;
        }
        if (!pending.complete(state)) {
            // Another request with the same token won the race; one login answers one request.
            refuse(response, new RequestRejected(Rejection.UNKNOWN_STATE, "the sign-in was completed concurrently"));
            return;
        }
        IdpSession session = sessions.find(cookie.read(httpRequest))
                .filter(existing -> existing.user().username().equals(user.username())).orElse(null);
        if (session == null) {
            try {
                session = sessions.start(user);
            } catch (RequestRejected e) {
                refuse(response, e);
                return;
            }
        }
        cookie.set(response, session.token());
        PendingLogin request = login.get();
        answer(response, session, request.requestId(), request.relayState(), "after the login form");
    }

    /** The Response for the SP from this IdP session, in the auto-posting form. */
    private void answer(HttpServletResponse response, IdpSession session, String requestId, String relayState,
                        String how) throws IOException {
        SpSession sp = session.join(spEntityId, nameIdFormat);
        String samlResponse = issuer.issue(session.user(), requestId, sp, clock.instant());
        LOG.log(Level.INFO, "Development IdP: [{0}] signed in {1}; {2} response posted to [{3}]",
                session.user().username(), how, requestId == null ? "unsolicited" : "solicited", acsUrl);
        IdpPages.autoPost(response, acsUrl, samlResponse, relayState);
    }

    /** Answers 400 with the reason's fixed text; the precise detail goes to the log only. */
    static void refuse(HttpServletResponse response, RequestRejected rejection) throws IOException {
        LOG.log(Level.INFO, "Development IdP refused a request, {0}: {1}", rejection.reason(), rejection.getMessage());
        int status = rejection.reason() == Rejection.TOO_MANY_PENDING ? 503 : 400;
        IdpPages.error(response, status, rejection.reason().publicMessage());
    }

    /** The user with these credentials, or null; compares digests in constant time, known user or not. */
    private DevUser authenticate(String username, String password) {
        if (username == null || password == null) {
            return null;
        }
        DevUser user = users.get(username);
        byte[] expected = sha256(user == null ? "\u0000no such user" : user.password());
        boolean matches = MessageDigest.isEqual(expected, sha256(password));
        return user != null && matches ? user : null;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
