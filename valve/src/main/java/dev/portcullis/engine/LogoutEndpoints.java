package dev.portcullis.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.pac4j.core.config.Config;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.audit.CorrelationIds;
import dev.portcullis.config.Settings;
import dev.portcullis.pac4j.CacheSessionStore;
import dev.portcullis.pac4j.RequestState;
import dev.portcullis.saml.InboundMessage;
import dev.portcullis.saml.LogoutMessages;
import dev.portcullis.saml.LogoutValidator;
import dev.portcullis.saml.OutboundMessage;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ServiceProvider;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.SessionEndListener;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.session.SsoSession;
import dev.portcullis.web.ResponseWriter;

/**
 * Logout, the other half of single sign-on (paths as by default; {@code logoutPath} and {@code sloPath}
 * move them):
 * <ul>
 *   <li>{@code GET /sso/logout} shows a confirmation form; {@code POST /sso/logout}, with the form's
 *       token (tied to the session cookie, so another site cannot post it), runs pac4j's logout logic:
 *       the session ends for every webapp on the Host, the cookie is cleared, the webapps' own
 *       sessions end, and, when the IdP offers Single Logout, a signed LogoutRequest goes to it.</li>
 *   <li>{@code /sso/slo} receives the IdP's LogoutResponse to that request (checked against the
 *       pending logout its RelayState names), or the IdP's own LogoutRequest, which ends every session
 *       of that user (and SessionIndex), here or on any node sharing the cache, and is answered with a
 *       signed LogoutResponse.</li>
 *   <li>{@code GET /sso/signed-out} says honestly what ended: everything, or only the sessions here.</li>
 * </ul>
 */
final class LogoutEndpoints {

    private static final Logger LOG = LogManager.getLogger("dev.portcullis.saml");
    private static final String CSRF_FIELD = "token";

    private final Settings settings;
    private final Config config;
    private final CacheSessionStore store;
    private final SessionRepository sessions;
    private final PendingLoginStore pending;
    private final SessionEndListener ends;
    private final Supplier<ServiceProvider> serviceProvider;
    private final java.util.function.BooleanSupplier centralLogout;
    private final AuditLog audit;
    private final CorrelationIds correlationIds;
    private final SessionIds ids;
    private final ResponseWriter writer;
    private final Clock clock;

    LogoutEndpoints(Settings settings, Config config, CacheSessionStore store, SessionRepository sessions,
                    PendingLoginStore pending, SessionEndListener ends, Supplier<ServiceProvider> serviceProvider,
                    java.util.function.BooleanSupplier centralLogout, AuditLog audit, CorrelationIds correlationIds, SessionIds ids, ResponseWriter writer, Clock clock) {
        this.settings = settings;
        this.config = config;
        this.store = store;
        this.sessions = sessions;
        this.pending = pending;
        this.ends = ends;
        this.serviceProvider = serviceProvider;
        this.centralLogout = centralLogout;
        this.audit = audit;
        this.correlationIds = correlationIds;
        this.ids = ids;
        this.writer = writer;
        this.clock = clock;
    }

    /** Where users land after logout: the configured page, else Portcullis's own signed-out page. */
    String landingUrl(String status) {
        return settings.logoutLandingPath().map(settings.externalUrl()::resolve)
                .orElse(settings.externalUrl().resolve(settings.signedOutPath() + "?status=" + status));
    }

    // ------------------------------------------------------------------ local (and SP-initiated) logout

    void logout(Request request, Response response, String path) throws IOException {
        RequestState state = new RequestState(request, response, path);
        CacheSessionStore.Current current = store.current(state);
        if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
            if (current.session() == null) {
                writer.signedOut(response, "none");
            } else {
                writer.logoutConfirmation(response, settings.logoutPath(), csrfToken(current.id()),
                        current.session().principal());
            }
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            writer.methodNotAllowed(response, "GET, POST", "Sign out with the form on this page.");
            return;
        }
        if (current.session() == null) {
            store.forget(state);
            writer.redirect(response, 302, landingUrl("none"));
            return;
        }
        if (!csrfValid(current.id(), request.getParameter(CSRF_FIELD))) {
            writer.page(response, 403, "Sign-out not confirmed", "The sign-out form has expired or did not come from this"
                    + " site. Open the sign-out page again.");
            return;
        }
        boolean central = settings.singleLogout() && centralLogout.getAsBoolean();
        // pac4j's logout logic: local logout through the session store (which audits it and ends the
        // webapps' sessions), then central logout through the SAML client's LogoutRequest. Its answer (a
        // redirect, or the page that continues to the IdP) goes through ActionAdapter.
        config.getLogoutLogic().perform(config, landingUrl(central ? "pending" : "local"), "(?!)", Boolean.TRUE,
                Boolean.FALSE, central, state);
    }

    /** A token for the logout form: a hash of the (HttpOnly) cookie value, which another site cannot know. */
    static String csrfToken(String sessionId) {
        return SessionIds.hash("portcullis-logout\n" + sessionId).substring(0, 32);
    }

    private static boolean csrfValid(String sessionId, String token) {
        return token != null && MessageDigest.isEqual(csrfToken(sessionId).getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------------ Single Logout endpoint

    void singleLogout(Request request, Response response, String path) throws IOException {
        ServiceProvider sp = serviceProvider.get();
        LogoutValidator validator = sp.logoutValidator();
        if (validator == null) {
            writer.page(response, 404, "Not found", "Single Logout is switched off (singleLogout=false).");
            return;
        }
        String correlationId = correlationIds.next();
        java.time.Instant validUntil = sp.idp().validUntil();
        if (validUntil != null && !clock.instant().isBefore(validUntil)) {
            // Metadata that has expired (validUntil, or idpCertificateExpiry=refuse with every key expired) verifies
            // no IdP message: a logout message is refused as a sign-in is, since it too ends or reports sessions.
            refuse(request, response, sp, new SamlValidationException(dev.portcullis.saml.SamlErrorCode.IDP_METADATA_EXPIRED,
                    "IdP metadata validUntil [" + validUntil + "] has passed"), correlationId);
            return;
        }
        InboundMessage message;
        try {
            message = inbound(request);
        } catch (SamlValidationException e) {
            refuse(request, response, sp, e, correlationId);
            return;
        }
        if (SamlConstants.SAML_REQUEST.equals(message.parameter())) {
            idpLogout(request, response, path, sp, validator, message, correlationId);
        } else {
            logoutAnswered(request, response, sp, validator, message, correlationId);
        }
    }

    private static InboundMessage inbound(Request request) throws SamlValidationException {
        if ("GET".equals(request.getMethod())) {
            return InboundMessage.fromQuery(request.getQueryString());
        }
        if (!"POST".equals(request.getMethod())) {
            throw new SamlValidationException(dev.portcullis.saml.SamlErrorCode.UNEXPECTED_MESSAGE, "method "
                    + request.getMethod());
        }
        String samlRequest = request.getParameter(SamlConstants.SAML_REQUEST);
        String samlResponse = request.getParameter(SamlConstants.SAML_RESPONSE);
        if ((samlRequest == null) == (samlResponse == null)) {
            throw new SamlValidationException(dev.portcullis.saml.SamlErrorCode.MISSING_RESPONSE, "the POST carries no (or"
                    + " two) SAML messages");
        }
        return new InboundMessage(SamlConstants.POST_BINDING, samlRequest != null ? SamlConstants.SAML_REQUEST
                : SamlConstants.SAML_RESPONSE, samlRequest != null ? samlRequest : samlResponse,
                request.getParameter(SamlConstants.RELAY_STATE), null);
    }

    /** The IdP ends a user's sessions: every one of them (or those of the named SessionIndexes). */
    private void idpLogout(Request request, Response response, String path, ServiceProvider sp, LogoutValidator validator,
                           InboundMessage message, String correlationId) throws IOException {
        LogoutValidator.LogoutRequest logout;
        try {
            logout = validator.validateRequest(message);
        } catch (SamlValidationException e) {
            refuse(request, response, sp, e, correlationId);
            return;
        }
        List<SsoSession> ended = sessions.endSessionsOf(sp.idp().entityId(), logout.nameId(), logout.sessionIndexes());
        for (SsoSession session : ended) {
            audit.logout(session.principal(), session.idpEntityId(), "-", request.getRemoteAddr(), AuditLog.LogoutCause.IDP);
            ends.ended(session);
        }
        store.forget(new RequestState(request, response, path));
        LOG.info("IdP-initiated logout for [{}] ended {} session(s), correlation [{}]", logout.nameId(), ended.size(),
                correlationId);
        String relayState = message.relayState();
        if (relayState != null && relayState.getBytes(StandardCharsets.UTF_8).length > 80) {
            relayState = null;
        }
        OutboundMessage answer = sp.logoutResponse("_" + ids.newToken(20), clock.instant(), logout.id(),
                SamlConstants.STATUS_SUCCESS, relayState);
        writer.message(response, answer);
    }

    /** The IdP answers the LogoutRequest this SP sent; the local sessions already ended. */
    private void logoutAnswered(Request request, Response response, ServiceProvider sp, LogoutValidator validator,
                                InboundMessage message, String correlationId) throws IOException {
        Handle started = message.relayState() == null ? null : pending.logout(message.relayState()).orElse(null);
        if (started == null) {
            refuse(request, response, sp, new SamlValidationException(dev.portcullis.saml.SamlErrorCode.UNEXPECTED_MESSAGE,
                    "a LogoutResponse whose RelayState names no logout started here (or too long ago)"), correlationId);
            return;
        }
        try {
            LogoutValidator.LogoutResponse answer = validator.validateResponse(message, started.messageId());
            if (!pending.consume(started)) {
                throw new SamlValidationException(dev.portcullis.saml.SamlErrorCode.UNEXPECTED_MESSAGE,
                        "this logout (RelayState) has already been answered");
            }
            if (!answer.success()) {
                LOG.warn("The IdP answered the logout with status [{}] [{}], correlation [{}]", answer.statusCode(),
                        answer.secondLevelStatus(), correlationId);
            }
            String status = answer.success() ? "complete" : answer.partial() ? "partial" : "local";
            writer.redirect(response, 302, landingUrl(status));
        } catch (SamlValidationException e) {
            refuse(request, response, sp, e, correlationId);
        }
    }

    private void refuse(Request request, Response response, ServiceProvider sp, SamlValidationException e,
                        String correlationId) throws IOException {
        LOG.warn("Logout message refused [{}] correlation [{}]: {}", e.code().code(), correlationId, e.detail());
        audit.logoutFailure(e.code().code(), sp.idp().entityId(), request.getRemoteAddr(), correlationId);
        writer.page(response, 403, "Sign-out message refused", "A sign-out message could not be verified. Sessions on"
                + " this site that you ended yourself are ended; reference " + correlationId + ".");
    }

    /** {@code GET /sso/signed-out?status=...}: what ended, in plain words. */
    void signedOut(Request request, Response response, String path) throws IOException {
        String status = request.getParameter("status");
        String state = request.getParameter("state");
        if (status == null && state != null) {
            // OpenID Connect RP-initiated logout: the provider sends the browser back with the state of the logout
            // handle this valve sent (RP-Initiated Logout 1.0 section 3). Only a handle issued here, unexpired and
            // used once, says that the provider's session ended; anything else says no more than "pending".
            Handle handle = pending.logout(state).orElse(null);
            status = handle != null && pending.consume(handle) ? "complete" : "pending";
        }
        writer.signedOut(response, status);
    }
}
