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
    private final LogoutValidator logoutValidator;
    private final MessageEncoder encoder;
    private final String spEntityId;
    private final Map.Entry<String, String> singleLogoutService;

    public ServiceProvider(IdpMetadata idp, ResponseValidator validator, AuthnRequestFactory requests) {
        this(idp, validator, requests, null, null, null);
    }

    /**
     * @param logoutValidator validates the IdP's logout messages (null: Single Logout not set up)
     * @param encoder         signs and encodes the SP's logout messages
     * @param spEntityId      the Issuer of the SP's messages
     */
    public ServiceProvider(IdpMetadata idp, ResponseValidator validator, AuthnRequestFactory requests,
                           LogoutValidator logoutValidator, MessageEncoder encoder, String spEntityId) {
        this.idp = idp;
        this.validator = validator;
        this.requests = requests;
        this.logoutValidator = logoutValidator;
        this.encoder = encoder;
        this.spEntityId = spEntityId;
        this.singleLogoutService = preferred(idp.singleLogoutServices());
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

    private static Map.Entry<String, String> preferred(Map<String, String> services) {
        for (String binding : new String[] {SamlConstants.REDIRECT_BINDING, SamlConstants.POST_BINDING}) {
            if (services.containsKey(binding)) {
                return Map.entry(binding, services.get(binding));
            }
        }
        return null;
    }

    /** Validates the IdP's LogoutRequests and LogoutResponses. */
    public LogoutValidator logoutValidator() {
        return logoutValidator;
    }

    /** Whether the IdP offers Single Logout on a binding Portcullis speaks. */
    public boolean offersSingleLogout() {
        return singleLogoutService != null && logoutValidator != null;
    }

    /** A signed LogoutRequest for one of the user's sessions, on the IdP's preferred SLO binding. */
    public OutboundMessage logoutRequest(String id, Instant now, String nameId, String nameIdFormat, String nameQualifier,
                                         String spNameQualifier, String sessionIndex, String relayState) {
        String message = LogoutMessages.logoutRequest(id, now, singleLogoutService.getValue(), spEntityId, nameId,
                nameIdFormat, nameQualifier, spNameQualifier, sessionIndex);
        return encoder.encode(singleLogoutService.getKey(), singleLogoutService.getValue(), SamlConstants.SAML_REQUEST,
                message, id, relayState);
    }

    /** A signed LogoutResponse to the IdP's LogoutRequest {@code inResponseTo}. */
    public OutboundMessage logoutResponse(String id, Instant now, String inResponseTo, String statusCode, String relayState) {
        String message = LogoutMessages.logoutResponse(id, now, singleLogoutService.getValue(), spEntityId, inResponseTo,
                statusCode);
        return encoder.encode(singleLogoutService.getKey(), singleLogoutService.getValue(), SamlConstants.SAML_RESPONSE,
                message, id, relayState);
    }

    /** Whether AuthnRequests to this IdP are signed. */
    public boolean signsAuthnRequests() {
        return requests != null && requests.signs();
    }

    /** An AuthnRequest for the IdP's preferred binding. */
    public OutboundMessage authnRequest(String requestId, String relayState, Instant now, AuthnRequestOptions options) {
        return requests.encode(singleSignOnService.getKey(), singleSignOnService.getValue(), requestId, now, relayState,
                options);
    }
}
