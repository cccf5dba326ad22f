package dev.portcullis.saml;

import java.time.Instant;
import java.util.Map;

/**
 * The SAML side of Portcullis at one moment: the trusted IdP and what is built from it (the response
 * validator, where and how AuthnRequests go). Immutable; when IdP metadata changes, a new one
 * replaces it as a whole, so one request never mixes an old key with a new endpoint.
 */
public final class ServiceProvider {

    private final IdpMetadata idp;
    private final ResponseValidator validator;
    private final AuthnRequestFactory requests;
    private final Map.Entry<String, String> singleSignOnService;

    public ServiceProvider(IdpMetadata idp, ResponseValidator validator, AuthnRequestFactory requests) {
        this.idp = idp;
        this.validator = validator;
        this.requests = requests;
        this.singleSignOnService = idp.preferredSingleSignOnService()
                .orElseThrow(() -> new IllegalArgumentException("the IdP offers neither the HTTP-Redirect nor the"
                        + " HTTP-POST binding for SingleSignOnService"));
    }

    public IdpMetadata idp() {
        return idp;
    }

    public ResponseValidator validator() {
        return validator;
    }

    /** An AuthnRequest for the IdP's preferred binding. */
    public OutboundMessage authnRequest(String requestId, String relayState, Instant now, AuthnRequestOptions options) {
        return requests.encode(singleSignOnService.getKey(), singleSignOnService.getValue(), requestId, now, relayState,
                options);
    }
}
