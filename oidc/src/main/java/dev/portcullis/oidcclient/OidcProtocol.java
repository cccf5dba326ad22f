package dev.portcullis.oidcclient;

import java.net.MalformedURLException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.pac4j.core.client.IndirectClient;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

import dev.portcullis.config.ConfigurationException;
import dev.portcullis.config.Setting;
import dev.portcullis.config.Settings;
import dev.portcullis.config.SpCredentials;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.ProtocolContext;
import dev.portcullis.oidc.IdTokenValidator;
import dev.portcullis.oidc.LogoutTokenValidator;
import dev.portcullis.oidc.OidcConfigurationException;
import dev.portcullis.oidc.OidcErrorCode;
import dev.portcullis.oidc.ProviderMetadata;
import dev.portcullis.oidc.TokenPolicy;

/**
 * {@code protocol="oidc"}: OpenID Connect, found by the valve through {@code META-INF/services}. At start it reads
 * the provider's discovery document (the valve refuses to start, naming oidcIssuer, when it cannot be read or does
 * not check out), sets up the provider's keys (a cached JWKS, fetched again for an unknown kid at most once per
 * {@link #JWKS_MIN_REFETCH}), and builds the client and the back-channel logout endpoint.
 */
public final class OidcProtocol implements Protocol {

    private static final Logger LOG = LogManager.getLogger("dev.portcullis.oidc");

    /** How long the provider's JWKS is used before it is read again. */
    static final long JWKS_TIME_TO_LIVE_MILLIS = 15 * 60 * 1000L;
    /** At most one JWKS fetch per this interval for unknown kids: rotation is followed, a kid flood is not. */
    static final long JWKS_MIN_REFETCH = 30_000L;
    private static final int TIMEOUT_MILLIS = 10_000;
    private static final int JWKS_SIZE_LIMIT = 512 * 1024;

    @Override
    public String name() {
        return "oidc";
    }

    @Override
    public Side start(ProtocolContext context) {
        Settings settings = context.settings();
        String issuer = settings.oidcIssuer();
        ProviderMetadata provider;
        try {
            provider = ProviderMetadata.fetch(issuer, TIMEOUT_MILLIS);
        } catch (OidcConfigurationException e) {
            throw new ConfigurationException(Setting.OIDC_ISSUER.attribute(), e.getMessage() + ".");
        }
        JWKSource<SecurityContext> keys = keys(provider);
        warnWithoutKeys(keys, provider);
        return start(context, provider, keys);
    }

    /**
     * Reads the JWKS once at start, so that a provider whose keys cannot be had is named in the log now rather than
     * at the first sign-in. Not a refusal: the keys are read again when a token needs them, and the provider may
     * only be starting.
     */
    private static void warnWithoutKeys(JWKSource<SecurityContext> keys, ProviderMetadata provider) {
        try {
            int count = keys.get(new JWKSelector(new JWKMatcher.Builder().build()), null).size();
            if (count == 0) {
                LOG.warn("The provider's JWKS [{}] has no keys: every sign-in will be refused (oidc_unknown_key) until it"
                        + " has", provider.jwksUri());
            }
        } catch (com.nimbusds.jose.KeySourceException e) {
            LOG.warn("The provider's JWKS [{}] could not be read at start ({}); sign-ins are refused until it can be",
                    provider.jwksUri(), e.getMessage());
        }
    }

    /** The same with the provider's metadata and keys given (tests). */
    Side start(ProtocolContext context, ProviderMetadata provider, JWKSource<SecurityContext> keys) {
        Settings settings = context.settings();
        String issuer = provider.issuer();
        Set<JWSAlgorithm> algorithms = TokenPolicy.acceptable(provider.idTokenAlgorithms());
        if (algorithms.isEmpty()) {
            throw new ConfigurationException(Setting.OIDC_ISSUER.attribute(), "the provider signs ID tokens only with "
                    + provider.idTokenAlgorithms() + ", none of which Portcullis accepts (RSA, RSA-PSS or ECDSA; never"
                    + " none or HMAC).");
        }
        TokenPolicy policy = new TokenPolicy(issuer, settings.oidcClientId(), algorithms, keys,
                settings.clockSkew(), context.clock());
        URI redirectUri = URI.create(settings.callbackUrl());
        List<String> claimNames = new ArrayList<>(settings.roleMapper().attributes());
        settings.principalAttribute().ifPresent(claimNames::add);
        TokenEndpoint tokens = new TokenEndpoint(provider.tokenEndpoint(), settings.oidcClientId(),
                settings.oidcClientAuthentication(), settings.oidcClientSecret(),
                settings.spCredentials().map(SpCredentials::privateKey).orElse(null), redirectUri);
        String postLogout = settings.logoutLandingPath().map(settings.externalUrl()::resolve)
                .orElse(settings.externalUrl().resolve(settings.signedOutPath()));
        OidcClient client = new OidcClient(settings.callbackUrl(),
                new OidcRedirections(provider.authorizationEndpoint(), settings.oidcClientId(), settings.oidcScopes(),
                        redirectUri, context.pending(), context.stepUp(), context.limiter(), settings.defaultLandingPath()),
                new OidcCallbackExtractor(context.failures(), issuer),
                new OidcCodeAuthenticator(context.pending(), tokens, new IdTokenValidator(policy), context.stepUp(),
                        settings.principalAttribute().orElse(null), claimNames, provider.issuesIssParameter(),
                        context.failures()),
                new OidcProfileCreator(settings.roleMapper(), claimNames, settings.sessionMaxLifetime(), context.clock(),
                        context.roleReport()),
                new OidcLogoutActionBuilder(provider.endSessionEndpoint(), settings.oidcClientId(), postLogout,
                        context.pending()));
        BackchannelLogoutEndpoint backchannel = new BackchannelLogoutEndpoint(new LogoutTokenValidator(policy), context,
                issuer);
        String description = "OpenID Provider [" + issuer + "], client [" + settings.oidcClientId() + "] ("
                + settings.oidcClientAuthentication() + "), ID token algorithms " + algorithms + ", end_session_endpoint "
                + (provider.endSessionEndpoint() == null ? "none" : "[" + provider.endSessionEndpoint() + "]")
                + ", back-channel logout URI [" + settings.backchannelLogoutUrl() + "]";
        return new OidcSide(client, issuer, provider.endSessionEndpoint() != null, backchannel, description);
    }

    /**
     * The provider's JWKS, from the URI in its discovery document only: cached, fetched again when a token names an
     * unknown kid (key rotation, OIDC Core 10.1.1), at most once per {@link #JWKS_MIN_REFETCH}.
     */
    private static JWKSource<SecurityContext> keys(ProviderMetadata provider) {
        try {
            return JWKSourceBuilder.<SecurityContext>create(provider.jwksUri().toURL(),
                            new DefaultResourceRetriever(TIMEOUT_MILLIS, TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
                    .cache(JWKS_TIME_TO_LIVE_MILLIS, TIMEOUT_MILLIS)
                    .rateLimited(JWKS_MIN_REFETCH)
                    .retrying(false)
                    .refreshAheadCache(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new ConfigurationException(Setting.OIDC_ISSUER.attribute(), "the discovery document's jwks_uri ["
                    + provider.jwksUri() + "] is not a URL.");
        }
    }

    /** Every refusal code an OIDC sign-in can carry. */
    static List<String> refusalCodes() {
        return Arrays.stream(OidcErrorCode.values()).map(OidcErrorCode::code).toList();
    }

    private record OidcSide(IndirectClient client, String providerId, boolean offersCentralLogout,
                            Protocol.Endpoint backchannelLogout, String describe) implements Protocol.Side {

        @Override
        public List<String> refusalCodes() {
            return OidcProtocol.refusalCodes();
        }

        @Override
        public void close() {
            // Nothing runs in the background: the JWKS is fetched on the threads that need it.
        }
    }
}
