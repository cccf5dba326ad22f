package dev.portcullis.oidcclient;

import org.pac4j.core.client.IndirectClient;
import org.pac4j.core.http.callback.NoParameterCallbackUrlResolver;

import dev.portcullis.pac4j.NavigationRequestResolver;

/**
 * Portcullis's pac4j client for OpenID Connect: an indirect client whose redirection is an authorization request,
 * whose callback is the redirect URI, whose credentials are the authorization response and whose profile is a
 * Portcullis session, exactly as {@link dev.portcullis.pac4j.SamlClient} is for SAML. The components are built by
 * {@link OidcProtocol} and handed in; this class only wires them into pac4j's lifecycle.
 */
final class OidcClient extends IndirectClient {

    static final String NAME = "PortcullisOidc";

    OidcClient(String redirectUri, OidcRedirections redirections, OidcCallbackExtractor extractor,
               OidcCodeAuthenticator authenticator, OidcProfileCreator profileCreator, OidcLogoutActionBuilder logout) {
        setName(NAME);
        setCallbackUrl(redirectUri);
        setCallbackUrlResolver(new NoParameterCallbackUrlResolver());
        setAjaxRequestResolver(new NavigationRequestResolver());
        // pac4j would remember a failed attempt in the session; a refused sign-in is a 403 here instead.
        setCheckAuthenticationAttempt(false);
        setRedirectionActionBuilder(redirections);
        setCredentialsExtractor(extractor);
        setAuthenticator(authenticator);
        setProfileCreator(profileCreator);
        setLogoutActionBuilder(logout);
    }

    @Override
    protected void internalInit(boolean forceReinit) {
        // Everything is set in the constructor.
    }
}
