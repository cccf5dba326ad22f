package dev.portcullis.pac4j;

import org.pac4j.core.client.IndirectClient;
import org.pac4j.core.http.callback.NoParameterCallbackUrlResolver;

/**
 * Portcullis's pac4j client for SAML 2.0 Web Browser SSO: an indirect client whose redirection is an
 * AuthnRequest, whose callback is the ACS, whose credentials are a SAMLResponse and whose profile
 * is a Portcullis session. The components are built by the engine and handed in; this class only
 * wires them into pac4j's lifecycle.
 */
public final class SamlClient extends IndirectClient {

    public static final String NAME = "PortcullisSaml";

    public SamlClient(String acsUrl, SamlRedirectionActionBuilder redirections, SamlResponseExtractor extractor,
                      SamlResponseAuthenticator authenticator, SamlProfileCreator profileCreator,
                      SamlLogoutActionBuilder logout) {
        setName(NAME);
        setCallbackUrl(acsUrl);
        setCallbackUrlResolver(new NoParameterCallbackUrlResolver());
        setAjaxRequestResolver(new NavigationRequestResolver());
        // pac4j would remember a failed attempt in the session; a refused response is a 403 here instead.
        setCheckAuthenticationAttempt(false);
        setRedirectionActionBuilder(redirections);
        setCredentialsExtractor(extractor);
        setAuthenticator(authenticator);
        setProfileCreator(profileCreator);
        setLogoutActionBuilder(logout);
    }

    /** Every error code a refused SAML sign-in can carry. */
    public static java.util.List<String> refusalCodes() {
        return java.util.Arrays.stream(dev.portcullis.saml.SamlErrorCode.values()).map(dev.portcullis.saml.SamlErrorCode::code)
                .toList();
    }

    @Override
    protected void internalInit(boolean forceReinit) {
        // Everything is set in the constructor.
    }
}
