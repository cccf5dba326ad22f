package dev.portcullis.oidcclient;

import java.util.Optional;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.credentials.extractor.CredentialsExtractor;

import dev.portcullis.oidc.OidcErrorCode;
import dev.portcullis.oidc.OidcValidationException;
import dev.portcullis.pac4j.LoginFailures;

/**
 * Reads the authorization response from the redirect URI: a GET (response_mode=query, the only mode Portcullis
 * asks for) with either code and state, or error (and state). Only the transport is checked here; what the values
 * mean is the authenticator's.
 */
final class OidcCallbackExtractor implements CredentialsExtractor {

    private final LoginFailures failures;
    private final String issuer;

    OidcCallbackExtractor(LoginFailures failures, String issuer) {
        this.failures = failures;
        this.issuer = issuer;
    }

    @Override
    public Optional<Credentials> extract(CallContext ctx) {
        WebContext context = ctx.webContext();
        try {
            if (!"GET".equalsIgnoreCase(context.getRequestMethod())) {
                throw new OidcValidationException(OidcErrorCode.CALLBACK_MALFORMED, "the redirect URI was called with "
                        + context.getRequestMethod() + " [expected GET]");
            }
            String code = context.getRequestParameter("code").orElse(null);
            String state = context.getRequestParameter("state").orElse(null);
            String error = context.getRequestParameter("error").orElse(null);
            if (error == null && (code == null || code.isEmpty() || state == null || state.isEmpty())) {
                throw new OidcValidationException(OidcErrorCode.CALLBACK_MALFORMED, "no code or no state, and no error");
            }
            if (error != null && code != null) {
                throw new OidcValidationException(OidcErrorCode.CALLBACK_MALFORMED, "both a code and an error");
            }
            return Optional.of(new OidcCredentials(code, state, context.getRequestParameter("iss").orElse(null), error,
                    context.getRequestParameter("error_description").orElse(null)));
        } catch (OidcValidationException e) {
            throw failures.refuse(context, e.code().code(), e.detail(), issuer, failures.newCorrelationId());
        }
    }
}
