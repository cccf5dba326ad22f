package dev.portcullis.pac4j;

import java.util.Optional;
import java.util.function.Supplier;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.context.WebContext;
import org.pac4j.core.credentials.Credentials;
import org.pac4j.core.credentials.extractor.CredentialsExtractor;

import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;
import dev.portcullis.saml.ServiceProvider;

/**
 * Reads SAMLResponse and RelayState from the POST to the ACS. Only facts of the HTTP transport are
 * checked here, since the validator never sees the request: the method (the ACS speaks the HTTP-POST
 * binding only) and the declared body size, before the form is parsed, so an oversized body is
 * refused without being read into memory. Whether the field is present, its size and encoding are the
 * validator's first steps, as for saml-inspect.
 */
public final class SamlResponseExtractor implements CredentialsExtractor {

    private final int maxResponseSize;
    private final LoginFailures failures;
    private final Supplier<ServiceProvider> serviceProvider;

    public SamlResponseExtractor(int maxResponseSize, LoginFailures failures, Supplier<ServiceProvider> serviceProvider) {
        this.maxResponseSize = maxResponseSize;
        this.failures = failures;
        this.serviceProvider = serviceProvider;
    }

    @Override
    public Optional<Credentials> extract(CallContext ctx) {
        WebContext context = ctx.webContext();
        try {
            if (!"POST".equalsIgnoreCase(context.getRequestMethod())) {
                throw new SamlValidationException(SamlErrorCode.MISSING_RESPONSE, "the ACS was called with "
                        + context.getRequestMethod() + " [expected POST]");
            }
            long declared = contentLength(context);
            // The validator reads a SAMLResponse field of up to 2 x maxResponseSize characters (base64 with the line
            // breaks IdPs wrap it with, MessageEnvelope.decodePost); form encoding writes a character in at most 3
            // bytes ("%0A"), so 6 x that plus room for RelayState bounds every body whose field the validator would
            // read. A tighter bound here made the ACS refuse what saml-inspect accepts (AcsFuzzTest found a body of
            // 557,047 bytes holding a 104 KB Response wrapped after every character).
            if (declared > 6L * maxResponseSize + 8192) {
                throw new SamlValidationException(SamlErrorCode.RESPONSE_TOO_LARGE, "request body of " + declared
                        + " bytes [limit " + maxResponseSize + " bytes decoded]");
            }
            String response = context.getRequestParameter(SamlConstants.SAML_RESPONSE).orElse(null);
            String relayState = context.getRequestParameter(SamlConstants.RELAY_STATE).orElse(null);
            return Optional.of(new SamlCredentials(response, relayState == null || relayState.isEmpty() ? null : relayState));
        } catch (SamlValidationException e) {
            throw failures.refuse(context, e, serviceProvider.get().idp().entityId(), failures.newCorrelationId());
        }
    }

    private static long contentLength(WebContext context) {
        String header = context.getRequestHeader("Content-Length").orElse(null);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
