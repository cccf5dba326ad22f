package dev.portcullis.oidc;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;

/**
 * The OpenID Provider's discovery document (OpenID Connect Discovery 1.0), read once at start and checked before
 * anything is trusted from it:
 * <ul>
 *   <li>its {@code issuer} equals the configured issuer exactly (Discovery 4.3): a document that names another
 *       issuer would make Portcullis accept that issuer's tokens (a mix-up);</li>
 *   <li>every endpoint Portcullis uses (authorization, token, JWKS, end-session) is https, or plain http on this
 *       machine only, as for the issuer itself: the JWKS names the keys Portcullis trusts, and the token endpoint
 *       receives the client's credentials;</li>
 *   <li>it has an authorization endpoint, a token endpoint and a JWKS URI.</li>
 * </ul>
 * Immutable once read.
 */
public final class ProviderMetadata {

    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final OIDCProviderMetadata metadata;

    private ProviderMetadata(OIDCProviderMetadata metadata) {
        this.metadata = metadata;
    }

    /** The discovery document's URL for an issuer: issuer + /.well-known/openid-configuration (Discovery 4). */
    public static URI discoveryUrl(String issuer) {
        return URI.create((issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer)
                + "/.well-known/openid-configuration");
    }

    /**
     * Fetches and checks the discovery document of {@code issuer}.
     *
     * @throws OidcConfigurationException with one sentence saying what is wrong
     */
    public static ProviderMetadata fetch(String issuer, int timeoutMillis) {
        URI url = discoveryUrl(issuer);
        HTTPResponse response;
        try {
            HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, url);
            request.setConnectTimeout(timeoutMillis);
            request.setReadTimeout(timeoutMillis);
            request.setFollowRedirects(false);
            response = request.send();
        } catch (IOException e) {
            throw new OidcConfigurationException("the provider's discovery document " + url + " could not be read ("
                    + e.getMessage() + ")");
        }
        if (response.getStatusCode() != 200) {
            throw new OidcConfigurationException("the provider's discovery document " + url + " answered HTTP "
                    + response.getStatusCode() + " (is the issuer URL right?)");
        }
        try {
            return of(issuer, OIDCProviderMetadata.parse(response.getBodyAsJSONObject()));
        } catch (ParseException e) {
            throw new OidcConfigurationException("the provider's discovery document " + url + " is not valid ("
                    + e.getMessage() + ")");
        }
    }

    /** Checks a parsed document against the configured issuer. */
    public static ProviderMetadata of(String issuer, OIDCProviderMetadata metadata) {
        String named = metadata.getIssuer() == null ? null : metadata.getIssuer().getValue();
        if (!issuer.equals(named)) {
            // OpenID Connect Discovery 1.0 section 4.3: the issuer in the document MUST be identical to the one used to
            // find it; no normalization (a trailing slash is a different issuer, and ID tokens carry it as written).
            throw new OidcConfigurationException("the discovery document names the issuer [" + named + "], not ["
                    + issuer + "]; write oidcIssuer exactly as the provider does");
        }
        require("authorization_endpoint", metadata.getAuthorizationEndpointURI());
        require("token_endpoint", metadata.getTokenEndpointURI());
        require("jwks_uri", metadata.getJWKSetURI());
        if (metadata.getEndSessionEndpointURI() != null) {
            require("end_session_endpoint", metadata.getEndSessionEndpointURI());
        }
        return new ProviderMetadata(metadata);
    }

    private static void require(String name, URI uri) {
        if (uri == null) {
            throw new OidcConfigurationException("the discovery document has no " + name);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && uri.getHost() != null && isLoopback(uri.getHost()))) {
            throw new OidcConfigurationException("the discovery document's " + name + " [" + uri + "] is not https (plain"
                    + " http is accepted only on this machine)");
        }
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || LOOPBACK_V4.matcher(h).matches() || h.equals("[::1]") || h.equals("::1");
    }

    public String issuer() {
        return metadata.getIssuer().getValue();
    }

    public URI authorizationEndpoint() {
        return metadata.getAuthorizationEndpointURI();
    }

    public URI tokenEndpoint() {
        return metadata.getTokenEndpointURI();
    }

    public URI jwksUri() {
        return metadata.getJWKSetURI();
    }

    /** The end-session endpoint for RP-initiated logout, or null. */
    public URI endSessionEndpoint() {
        return metadata.getEndSessionEndpointURI();
    }

    /** What the provider signs ID tokens with (id_token_signing_alg_values_supported), possibly empty. */
    public List<JWSAlgorithm> idTokenAlgorithms() {
        return metadata.getIDTokenJWSAlgs() == null ? List.of() : metadata.getIDTokenJWSAlgs();
    }

    /** Whether the provider promises the iss parameter in authorization responses (RFC 9207). */
    public boolean issuesIssParameter() {
        return metadata.supportsAuthorizationResponseIssuerParam();
    }

    /** Whether the provider supports back-channel logout (for the start-up log). */
    public boolean backChannelLogout() {
        return metadata.supportsBackChannelLogout();
    }
}
