package dev.portcullis.devidp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The sign-in itself, between an accepted request and the Response: keeps the request pending under a
 * state token, shows the login form, checks the credentials and answers with the auto-posting form.
 * A wrong password keeps the user on the login page with the same pending request. Thread-safe.
 */
final class LoginFlow {

    private static final System.Logger LOG = System.getLogger(LoginFlow.class.getName());

    private final PendingLogins pending;
    private final Map<String, DevUser> users;
    private final ResponseIssuer issuer;
    private final Clock clock;
    private final String spEntityId;
    private final String acsUrl;

    LoginFlow(DevIdpConfig config, ResponseIssuer issuer) {
        this.pending = new PendingLogins(config.clock());
        this.users = config.users();
        this.issuer = issuer;
        this.clock = config.clock();
        this.spEntityId = config.spEntityId();
        this.acsUrl = config.acsUrl();
    }

    /**
     * Keeps the request and shows the login form.
     *
     * @param requestId null for an IdP-initiated login
     */
    void begin(HttpServletResponse response, String requestId, String relayState) throws IOException {
        String state;
        try {
            state = pending.add(requestId, relayState);
        } catch (RequestRejected e) {
            refuse(response, e);
            return;
        }
        IdpPages.login(response, state, spEntityId, null);
    }

    /** Checks the credentials posted with a state token and answers with the Response, or the form again. */
    void complete(HttpServletResponse response, String state, String username, String password) throws IOException {
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
        PendingLogin request = login.get();
        String samlResponse = issuer.issue(user, request.requestId(), clock.instant());
        LOG.log(Level.INFO, "Development IdP: [{0}] signed in; {1} response posted to [{2}]", user.username(),
                request.unsolicited() ? "unsolicited" : "solicited", acsUrl);
        IdpPages.autoPost(response, acsUrl, samlResponse, request.relayState());
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
