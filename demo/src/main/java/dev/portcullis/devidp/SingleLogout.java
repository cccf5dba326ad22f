package dev.portcullis.devidp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.portcullis.testkit.Ids;

/**
 * Single Logout at the IdP (saml-profiles-2.0-os 4.4), in both directions:
 * <ul>
 *   <li><b>SP-initiated</b>: {@code /slo} receives the SP's LogoutRequest (checked by
 *       {@link LogoutMessageReader}), ends the IdP sessions that gave the SP that NameID (and one of the
 *       named SessionIndexes), clears the browser's IdP cookie once its session is gone, and answers with
 *       a LogoutResponse signed by the IdP key, over HTTP-Redirect to the SP's SLO URL, InResponseTo the
 *       request and the RelayState echoed. A NameID that matches no live session is still answered
 *       with Success: the user has no session at the IdP, which is what the SP asked for.</li>
 *   <li><b>IdP-initiated</b>: {@code /logout?user=} ends every IdP session of that user and sends the
 *       browser to the SP with a signed LogoutRequest naming the NameID and every SessionIndex the SP
 *       was given, with a RelayState of the IdP's own ({@link PendingLogouts}). The SP's LogoutResponse
 *       comes back to {@code /slo}: taken once by its RelayState, it must answer that request
 *       (InResponseTo); the page then says whether the SP confirmed.</li>
 * </ul>
 * Thread-safe.
 */
final class SingleLogout {

    private static final System.Logger LOG = System.getLogger(SingleLogout.class.getName());

    private final String spEntityId;
    private final boolean configured;
    private final Map<String, DevUser> users;
    private final IdpSessions sessions;
    private final SessionCookie cookie;
    private final LogoutMessageReader reader;
    private final LogoutIssuer issuer;
    private final PendingLogouts pending;
    private final Clock clock;

    SingleLogout(DevIdpConfig config, IdpSessions sessions, SessionCookie cookie, LogoutMessageReader reader,
                 LogoutIssuer issuer) {
        this.spEntityId = config.spEntityId();
        this.configured = config.spCertificate().isPresent();
        this.users = config.users();
        this.sessions = sessions;
        this.cookie = cookie;
        this.reader = reader;
        this.issuer = issuer;
        this.pending = new PendingLogouts(config.clock());
        this.clock = config.clock();
    }

    /** {@code GET /slo} (HTTP-Redirect) and {@code POST /slo} (HTTP-POST): a LogoutRequest or a LogoutResponse from the SP. */
    void receive(HttpServletRequest request, HttpServletResponse response) throws IOException {
        LogoutMessage message;
        try {
            // The raw query on Redirect: the signature covers the octets as sent, not a re-encoding.
            message = "POST".equals(request.getMethod())
                    ? reader.readPost(request.getParameter(RedirectQuery.SAML_REQUEST),
                            request.getParameter(RedirectQuery.SAML_RESPONSE), request.getParameter("RelayState"))
                    : reader.readRedirect(request.getQueryString());
        } catch (RequestRejected e) {
            LoginFlow.refuse(response, e);
            return;
        }
        if (message instanceof LogoutMessage.Request logout) {
            spInitiated(request, response, logout);
        } else {
            answered(response, (LogoutMessage.Response) message);
        }
    }

    private void spInitiated(HttpServletRequest request, HttpServletResponse response, LogoutMessage.Request logout)
            throws IOException {
        List<IdpSession> ended = sessions.endMatching(spEntityId, logout.nameId(), logout.nameIdFormat(),
                logout.sessionIndexes());
        forgetEndedCookie(request, response);
        LOG.log(Level.INFO, "Development IdP: the SP [{0}] signed out NameID [{1}]; {2} IdP session(s) ended",
                spEntityId, logout.nameId(), ended.size());
        Html.redirect(response, issuer.logoutResponse(Ids.newId(), logout.id(), logout.relayState(), clock.instant()));
    }

    private void answered(HttpServletResponse response, LogoutMessage.Response answer) throws IOException {
        Optional<PendingLogouts.PendingLogout> started = pending.take(answer.relayState());
        if (started.isEmpty()) {
            LoginFlow.refuse(response, new RequestRejected(Rejection.UNKNOWN_LOGOUT, "a LogoutResponse whose RelayState"
                    + " names no logout in progress"));
            return;
        }
        if (!started.get().requestId().equals(answer.inResponseTo())) {
            LoginFlow.refuse(response, new RequestRejected(Rejection.WRONG_IN_RESPONSE_TO, "InResponseTo ["
                    + answer.inResponseTo() + "], expected [" + started.get().requestId() + "]"));
            return;
        }
        String username = started.get().username();
        if (answer.success()) {
            LOG.log(Level.INFO, "Development IdP: the SP [{0}] confirmed the sign-out of [{1}]", spEntityId, username);
            IdpPages.signedOutOf(response, spEntityId, username);
        } else {
            LOG.log(Level.INFO, "Development IdP: the SP [{0}] answered the sign-out of [{1}] with status [{2}] [{3}]",
                    spEntityId, username, answer.statusCode(), answer.secondLevelStatus());
            IdpPages.logoutNotConfirmed(response, spEntityId, username);
        }
    }

    /** {@code GET /logout?user=NAME}: IdP-initiated logout, for demos and tests. */
    void idpInitiated(HttpServletRequest request, HttpServletResponse response, String username) throws IOException {
        if (!configured) {
            LoginFlow.refuse(response, new RequestRejected(Rejection.SLO_NOT_CONFIGURED, "no SP certificate to verify"
                    + " the SP's LogoutResponse with"));
            return;
        }
        if (username == null || !users.containsKey(username)) {
            LoginFlow.refuse(response, new RequestRejected(Rejection.UNKNOWN_USER, "no user [" + username + "]"));
            return;
        }
        List<IdpSession> ended = sessions.endUser(username);
        forgetEndedCookie(request, response);
        List<SpSession> atSp = ended.stream().map(session -> session.at(spEntityId)).flatMap(Optional::stream).toList();
        if (atSp.isEmpty()) {
            LOG.log(Level.INFO, "Development IdP: [{0}] signed out at the IdP ({1} session(s)); no session at [{2}]",
                    username, ended.size(), spEntityId);
            IdpPages.signedOutAtIdp(response, username, spEntityId);
            return;
        }
        // One LogoutRequest names one NameID; the IdP gives a user the same NameID in every session.
        SpSession first = atSp.get(0);
        List<String> sessionIndexes = atSp.stream()
                .filter(sp -> sp.nameId().equals(first.nameId()) && sp.nameIdFormat().equals(first.nameIdFormat()))
                .map(SpSession::sessionIndex).distinct().toList();
        String requestId = Ids.newId();
        String relayState;
        try {
            relayState = pending.add(requestId, username);
        } catch (RequestRejected e) {
            LoginFlow.refuse(response, e);
            return;
        }
        LOG.log(Level.INFO, "Development IdP: [{0}] signed out at the IdP ({1} session(s)); LogoutRequest for {2}"
                + " SessionIndex(es) sent to [{3}]", username, ended.size(), sessionIndexes.size(), spEntityId);
        Html.redirect(response, issuer.logoutRequest(requestId, first.nameId(), first.nameIdFormat(), sessionIndexes,
                relayState, clock.instant()));
    }

    /** Clears the browser's IdP cookie when the session it names is gone. */
    private void forgetEndedCookie(HttpServletRequest request, HttpServletResponse response) {
        String token = cookie.read(request);
        if (token != null && sessions.find(token).isEmpty()) {
            cookie.clear(response);
        }
    }
}
