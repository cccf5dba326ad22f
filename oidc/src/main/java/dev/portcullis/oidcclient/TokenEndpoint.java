package dev.portcullis.oidcclient;

import java.io.IOException;
import java.net.URI;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;

import dev.portcullis.oidc.OidcErrorCode;
import dev.portcullis.oidc.OidcValidationException;

/**
 * Redeems an authorization code at the provider's token endpoint (OpenID Connect Core 1.0 section 3.1.3.1): the
 * code, the redirect URI it was issued for and the PKCE code verifier (RFC 7636 4.5), with the client
 * authentication configured; returns the ID token as sent. The client secret never appears in a log line or an
 * exception message. Thread-safe.
 */
final class TokenEndpoint {

    private static final int TIMEOUT_MILLIS = 10_000;
    private static final int MAX_ERROR_TEXT = 200;

    private final URI endpoint;
    private final ClientID clientId;
    private final String authentication;
    private final Secret secret;
    private final PrivateKey key;
    private final URI redirectUri;

    /**
     * @param authentication client_secret_basic, client_secret_post or private_key_jwt
     * @param secret         the client secret, or null
     * @param key            the SP key for private_key_jwt, or null
     */
    TokenEndpoint(URI endpoint, String clientId, String authentication, String secret, PrivateKey key, URI redirectUri) {
        this.endpoint = endpoint;
        this.clientId = new ClientID(clientId);
        this.authentication = authentication;
        this.secret = secret == null ? null : new Secret(secret);
        this.key = key;
        this.redirectUri = redirectUri;
    }

    /** @return the id_token member of the token response */
    String redeem(String code, String codeVerifier) throws OidcValidationException {
        TokenRequest request = new TokenRequest(endpoint, clientAuthentication(),
                new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri, new CodeVerifier(codeVerifier)));
        HTTPResponse response;
        try {
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(TIMEOUT_MILLIS);
            http.setReadTimeout(TIMEOUT_MILLIS);
            http.setFollowRedirects(false);
            response = http.send();
        } catch (IOException e) {
            throw new OidcValidationException(OidcErrorCode.TOKEN_REQUEST_FAILED, "the token endpoint " + endpoint
                    + " did not answer: " + e.getMessage());
        }
        if (response.getStatusCode() != 200) {
            String error = "HTTP " + response.getStatusCode();
            try {
                TokenErrorResponse parsed = TokenErrorResponse.parse(response);
                if (parsed.getErrorObject() != null) {
                    error += ", error [" + parsed.getErrorObject().getCode() + "] description ["
                            + shortened(parsed.getErrorObject().getDescription()) + "]";
                }
            } catch (ParseException e) {
                // The status alone then.
            }
            throw new OidcValidationException(OidcErrorCode.TOKEN_REQUEST_FAILED, "the token endpoint " + endpoint
                    + " refused the code: " + error + (response.getStatusCode() == 401
                    ? " (is oidcClientSecret, or the client authentication method, right?)" : ""));
        }
        Object idToken;
        try {
            idToken = response.getBodyAsJSONObject().get("id_token");
        } catch (ParseException e) {
            throw new OidcValidationException(OidcErrorCode.TOKEN_REQUEST_FAILED, "the token response is no JSON object");
        }
        if (!(idToken instanceof String token) || token.isEmpty()) {
            throw new OidcValidationException(OidcErrorCode.ID_TOKEN_MISSING, "the token response has no id_token");
        }
        return token;
    }

    private ClientAuthentication clientAuthentication() throws OidcValidationException {
        switch (authentication) {
            case "client_secret_post":
                return new ClientSecretPost(clientId, secret);
            case "private_key_jwt":
                try {
                    // A fresh assertion (new jti, short exp) for each request, audience the token endpoint (RFC 7523 3).
                    JWSAlgorithm algorithm = key instanceof ECPrivateKey ec
                            ? (ec.getParams().getCurve().getField().getFieldSize() > 256 ? JWSAlgorithm.ES384 : JWSAlgorithm.ES256)
                            : JWSAlgorithm.RS256;
                    return new PrivateKeyJWT(clientId, endpoint, algorithm, key, null, null);
                } catch (JOSEException e) {
                    throw new OidcValidationException(OidcErrorCode.TOKEN_REQUEST_FAILED, "the client assertion could not"
                            + " be signed with the SP key: " + e.getMessage());
                }
            default:
                return new ClientSecretBasic(clientId, secret);
        }
    }

    private static String shortened(String text) {
        if (text == null) {
            return null;
        }
        String flat = text.replaceAll("[\\p{Cntrl}]", " ");
        return flat.length() > MAX_ERROR_TEXT ? flat.substring(0, MAX_ERROR_TEXT) + "..." : flat;
    }
}
