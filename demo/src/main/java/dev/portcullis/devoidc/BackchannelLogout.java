package dev.portcullis.devoidc;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.devidp.DevUser;

/**
 * "Sign out everywhere": ends a user's sessions at the provider and tells the client with a logout
 * token posted to its registered back-channel logout URI (OpenID Connect Back-Channel Logout 1.0
 * section 2.5: {@code application/x-www-form-urlencoded}, parameter {@code logout_token}), one token per
 * session ended, naming its sid; when the user had no session here (the provider restarted, say), one
 * token naming the sub only, which ends every session of the user at the client. Sent from the server,
 * never through the browser. Thread-safe.
 */
final class BackchannelLogout {

    private static final System.Logger LOG = System.getLogger(BackchannelLogout.class.getName());
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    /**
     * One logout token sent.
     *
     * @param sid     the session it names, or null for all of the user's
     * @param status  the client's HTTP status, or 0 when it could not be reached
     * @param outcome what happened, for the page and the log
     */
    record Delivery(String sid, int status, String outcome) {
    }

    /** What one "sign out everywhere" did. */
    record Result(int sessionsEnded, List<Delivery> deliveries) {
    }

    private final ExpiringStore<OpSession> sessions;
    private final TokenSigner signer;
    private final String backchannelLogoutUri;
    private final Clock clock;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    BackchannelLogout(DevOidcConfig config, ExpiringStore<OpSession> sessions, TokenSigner signer) {
        this.sessions = sessions;
        this.signer = signer;
        this.backchannelLogoutUri = config.backchannelLogoutUri().orElse(null);
        this.clock = config.clock();
    }

    Result signOut(DevUser user) {
        List<OpSession> ended = sessions.removeIf(session -> session.user().username().equals(user.username()));
        LOG.log(Level.INFO, "Development OIDC provider: [{0}] signed out everywhere, {1} session(s) ended here",
                user.username(), ended.size());
        List<Delivery> deliveries = new ArrayList<>();
        if (backchannelLogoutUri == null) {
            return new Result(ended.size(), deliveries);
        }
        List<String> sids = ended.stream().map(OpSession::sid).distinct().toList();
        if (sids.isEmpty()) {
            deliveries.add(send(user.nameId(), null));
        }
        for (String sid : sids) {
            deliveries.add(send(user.nameId(), sid));
        }
        return new Result(ended.size(), deliveries);
    }

    private Delivery send(String sub, String sid) {
        String token = signer.logoutToken(sub, sid, clock.instant());
        HttpRequest request = HttpRequest.newBuilder(URI.create(backchannelLogoutUri)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + AuthorizationEndpoint.encode(token)))
                .build();
        Delivery delivery;
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            // Back-Channel Logout 1.0 section 2.8: 200 (or 204) means the client ended the session(s).
            delivery = new Delivery(sid, status, "HTTP " + status + (status == 200 || status == 204 ? ", accepted" : ", refused"));
        } catch (IOException e) {
            delivery = new Delivery(sid, 0, "not delivered: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delivery = new Delivery(sid, 0, "not delivered: interrupted");
        }
        LOG.log(Level.INFO, "Development OIDC provider: logout token for sub [{0}], sid [{1}] to [{2}]: {3}", sub, sid,
                backchannelLogoutUri, delivery.outcome());
        return delivery;
    }
}
