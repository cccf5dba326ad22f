package dev.portcullis.oidcclient;

import java.io.IOException;
import java.util.List;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import dev.portcullis.audit.AuditLog;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.ProtocolContext;
import dev.portcullis.oidc.LogoutTokenValidator;
import dev.portcullis.oidc.LogoutTokenValidator.LogoutToken;
import dev.portcullis.oidc.OidcErrorCode;
import dev.portcullis.oidc.OidcValidationException;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.session.SsoSession;

/**
 * OpenID Connect Back-Channel Logout 1.0 (section 2.5-2.8): the provider POSTs a logout_token, form-encoded; once it
 * passes every {@link dev.portcullis.oidc.LogoutTokenCheck} and its jti is used for the first time (the replay
 * cache, shared by every node), every session of that user (sub) or provider session (sid), or of both when both
 * are named, ends on every node through the session index, and the webapps' own sessions with them. Answers 200, or
 * 400 for a refused token (2.8), always {@code Cache-Control: no-store}; each outcome is audited. A state store that
 * does not answer makes it 503 (the engine's), so the provider retries rather than believing the sessions ended.
 */
final class BackchannelLogoutEndpoint implements Protocol.Endpoint {

    private static final Logger LOG = LogManager.getLogger("dev.portcullis.oidc");
    /** A logout token is a few hundred bytes; a form far larger than that is refused before it is parsed. */
    static final int MAX_BODY = 64 * 1024;

    private final LogoutTokenValidator validator;
    private final ProtocolContext context;
    private final String issuer;

    BackchannelLogoutEndpoint(LogoutTokenValidator validator, ProtocolContext context, String issuer) {
        this.validator = validator;
        this.context = context;
        this.issuer = issuer;
    }

    @Override
    public void serve(Request request, Response response, String path) throws IOException {
        if (!"POST".equals(request.getMethod())) {
            context.methodNotAllowed(response, "POST", "The back-channel logout endpoint takes a POSTed logout_token.");
            return;
        }
        String correlationId = context.correlationIds().next();
        try {
            LogoutToken token = validator.validate(logoutToken(request));
            firstUse(token);
            List<SsoSession> ended = token.subject() != null
                    ? context.sessions().endSessionsOf(token.issuer(), token.subject(),
                    token.sid() == null ? List.of() : List.of(token.sid()))
                    : context.sessions().endSessionsWithSid(token.issuer(), token.sid());
            for (SsoSession session : ended) {
                context.audit().logout(session.principal(), session.idpEntityId(), "-", request.getRemoteAddr(),
                        AuditLog.LogoutCause.IDP);
                context.ends().ended(session);
            }
            LOG.info("Back-channel logout for sub [{}] sid [{}] ended {} session(s), correlation [{}]", token.subject(),
                    token.sid(), ended.size(), correlationId);
            context.text(response, 200, null);
        } catch (OidcValidationException e) {
            LOG.warn("Logout token refused [{}] correlation [{}]: {}", e.code().code(), correlationId, e.detail());
            context.audit().logoutFailure(e.code().code(), issuer, request.getRemoteAddr(), correlationId);
            context.text(response, 400, "invalid logout token; reference " + correlationId);
        }
    }

    /** Exactly one logout_token in a form body of bounded size (BCL 2.5). */
    private static String logoutToken(Request request) throws OidcValidationException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new OidcValidationException(OidcErrorCode.LOGOUT_REQUEST_MALFORMED, "Content-Type [" + type
                    + "] [expected application/x-www-form-urlencoded]");
        }
        long length = request.getContentLengthLong();
        if (length > MAX_BODY) {
            throw new OidcValidationException(OidcErrorCode.LOGOUT_REQUEST_MALFORMED, "body of " + length + " bytes [limit "
                    + MAX_BODY + "]");
        }
        String[] tokens = request.getParameterValues("logout_token");
        if (tokens == null || tokens.length != 1) {
            throw new OidcValidationException(OidcErrorCode.LOGOUT_REQUEST_MALFORMED, (tokens == null ? 0 : tokens.length)
                    + " logout_token parameters [expected 1]");
        }
        return tokens[0];
    }

    /**
     * The jti is used once (BCL 2.6 step 7), across nodes: kept until the token could no longer be accepted. A
     * token issued before the replay cache's memory begins is refused, since whether it was used cannot be known.
     */
    private void firstUse(LogoutToken token) throws OidcValidationException {
        boolean first;
        try {
            first = context.replay().firstUse("oidc-logout-token\n" + token.issuer() + "\n" + token.jti(), token.issuedAt(),
                    token.keepUntil());
        } catch (SamlValidationException e) {
            throw new OidcValidationException(OidcErrorCode.LOGOUT_TOKEN_REPLAYED, e.detail());
        }
        if (!first) {
            throw new OidcValidationException(OidcErrorCode.LOGOUT_TOKEN_REPLAYED, "jti [" + token.jti() + "] was used"
                    + " before");
        }
    }
}
