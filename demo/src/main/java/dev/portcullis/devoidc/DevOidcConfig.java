package dev.portcullis.devoidc;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import dev.portcullis.devidp.DevUser;

/**
 * Everything a {@link DevOidcProvider} runs with, checked when {@link Builder#build()} is called.
 * Immutable and thread-safe.
 *
 * <p>The provider serves exactly one client (relying party), registered here as a real provider would
 * register it: client id, client secret, the one redirect URI, the one post-logout redirect URI and the
 * back-channel logout URI. Requests naming anything else are refused.
 */
public final class DevOidcConfig {

    /** Loopback only by default: the provider signs in anyone who knows a demo password. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    /** The client id when none is set. */
    public static final String DEFAULT_CLIENT_ID = "portcullis-demo";
    /**
     * How long an authorization code may wait for its exchange. RFC 6749 section 4.1.2 recommends at most
     * ten minutes; one is plenty for a redirect.
     */
    public static final Duration DEFAULT_CODE_LIFETIME = Duration.ofSeconds(60);
    /** Lifetime of ID tokens and access tokens. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** The acr asserted for a password sign-in when the client asked for none. */
    public static final String DEFAULT_ACR = "urn:portcullis:devoidc:password";

    private final String baseUrl;
    private final int port;
    private final String address;
    private final RSAKey signingKey;
    private final String clientId;
    private final String clientSecret;
    private final String redirectUri;
    private final String postLogoutRedirectUri;
    private final String backchannelLogoutUri;
    private final Map<String, DevUser> users;
    private final Duration codeLifetime;
    private final Duration tokenLifetime;
    private final Clock clock;
    private final Path baseDir;

    private DevOidcConfig(Builder b, RSAKey signingKey) {
        this.baseUrl = b.baseUrl;
        this.port = b.port;
        this.address = b.address;
        this.signingKey = signingKey;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.redirectUri = b.redirectUri;
        this.postLogoutRedirectUri = b.postLogoutRedirectUri;
        this.backchannelLogoutUri = b.backchannelLogoutUri;
        Map<String, DevUser> byName = new LinkedHashMap<>();
        for (DevUser user : b.users.isEmpty() ? DevUser.demoUsers() : b.users) {
            if (byName.putIfAbsent(user.username(), user) != null) {
                throw new IllegalArgumentException("two users are named " + user.username());
            }
        }
        this.users = Collections.unmodifiableMap(byName);
        this.codeLifetime = b.codeLifetime;
        this.tokenLifetime = b.tokenLifetime;
        this.clock = b.clock;
        this.baseDir = b.baseDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The URL browsers reach the provider at, without a trailing slash; empty means http://localhost:&lt;port&gt;. It is also the issuer. */
    public Optional<String> baseUrl() {
        return Optional.ofNullable(baseUrl);
    }

    /** The port to listen on; 0 picks a free one. */
    public int port() {
        return port;
    }

    public String address() {
        return address;
    }

    /** The RSA key ID tokens and logout tokens are signed with (RS256); its public half is the JWKS. */
    public RSAKey signingKey() {
        return signingKey;
    }

    public String clientId() {
        return clientId;
    }

    /** The client's secret, for client_secret_basic and client_secret_post. */
    public String clientSecret() {
        return clientSecret;
    }

    /** The one redirect URI registered for the client; compared exactly (RFC 9700 section 4.1.3). */
    public String redirectUri() {
        return redirectUri;
    }

    /** The one post-logout redirect URI registered, if any (OpenID Connect RP-Initiated Logout 1.0 section 3). */
    public Optional<String> postLogoutRedirectUri() {
        return Optional.ofNullable(postLogoutRedirectUri);
    }

    /** Where logout tokens are posted (OpenID Connect Back-Channel Logout 1.0 section 2.2), if anywhere. */
    public Optional<String> backchannelLogoutUri() {
        return Optional.ofNullable(backchannelLogoutUri);
    }

    /** The users by username, in the order they were added. */
    public Map<String, DevUser> users() {
        return users;
    }

    public Duration codeLifetime() {
        return codeLifetime;
    }

    public Duration tokenLifetime() {
        return tokenLifetime;
    }

    /** Every timestamp the provider writes and every age it checks is read from this clock. */
    public Clock clock() {
        return clock;
    }

    /** Tomcat's base directory; empty means a temporary directory removed on close. */
    public Optional<Path> baseDir() {
        return Optional.ofNullable(baseDir);
    }

    /** Collects the settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private int port;
        private String address = DEFAULT_ADDRESS;
        private RSAKey signingKey;
        private String clientId = DEFAULT_CLIENT_ID;
        private String clientSecret;
        private String redirectUri;
        private String postLogoutRedirectUri;
        private String backchannelLogoutUri;
        private final List<DevUser> users = new ArrayList<>();
        private Duration codeLifetime = DEFAULT_CODE_LIFETIME;
        private Duration tokenLifetime = DEFAULT_TOKEN_LIFETIME;
        private Clock clock = Clock.systemUTC();
        private Path baseDir;

        private Builder() {
        }

        /** Such as http://localhost:8082; default http://localhost:&lt;actual port&gt;. */
        public Builder baseUrl(String value) {
            this.baseUrl = value;
            return this;
        }

        /** Default 0: a free port. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Default {@value DevOidcConfig#DEFAULT_ADDRESS}. */
        public Builder address(String value) {
            this.address = value;
            return this;
        }

        /** Default: a new RSA-2048 key, its kid the JWK thumbprint. Must hold the private key. */
        public Builder signingKey(RSAKey value) {
            this.signingKey = value;
            return this;
        }

        /**
         * The client: id, secret and its one redirect URI (all required; default id
         * {@value DevOidcConfig#DEFAULT_CLIENT_ID}).
         */
        public Builder client(String id, String secret, String redirect) {
            this.clientId = id;
            this.clientSecret = secret;
            this.redirectUri = redirect;
            return this;
        }

        /** Default none: end_session then never redirects. */
        public Builder postLogoutRedirectUri(String value) {
            this.postLogoutRedirectUri = value;
            return this;
        }

        /** Default none: "sign out everywhere" then ends sessions at the provider only. */
        public Builder backchannelLogoutUri(String value) {
            this.backchannelLogoutUri = value;
            return this;
        }

        /** Adds a user; with none added, the provider has {@link DevUser#demoUsers()}. */
        public Builder user(DevUser value) {
            users.add(Objects.requireNonNull(value));
            return this;
        }

        public Builder users(List<DevUser> values) {
            values.forEach(this::user);
            return this;
        }

        /** Default {@link DevOidcConfig#DEFAULT_CODE_LIFETIME}. */
        public Builder codeLifetime(Duration value) {
            this.codeLifetime = value;
            return this;
        }

        /** Default {@link DevOidcConfig#DEFAULT_TOKEN_LIFETIME}. */
        public Builder tokenLifetime(Duration value) {
            this.tokenLifetime = value;
            return this;
        }

        /** Default the system UTC clock. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Default: a temporary directory. */
        public Builder baseDir(Path value) {
            this.baseDir = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting that is missing or wrong */
        public DevOidcConfig build() {
            if (baseUrl != null) {
                baseUrl = httpUrl("baseUrl", baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
            }
            Objects.requireNonNull(address, "address cannot be null");
            if (clientId == null || clientId.isBlank()) {
                throw new IllegalArgumentException("the client id is required (client)");
            }
            if (clientSecret == null || clientSecret.isEmpty()) {
                throw new IllegalArgumentException("the client secret is required (client)");
            }
            httpUrl("redirectUri", redirectUri);
            if (URI.create(redirectUri).getRawFragment() != null) {
                // RFC 6749 section 3.1.2: the redirection endpoint URI MUST NOT include a fragment.
                throw new IllegalArgumentException("redirectUri '" + redirectUri + "' must not have a fragment");
            }
            if (postLogoutRedirectUri != null) {
                httpUrl("postLogoutRedirectUri", postLogoutRedirectUri);
            }
            if (backchannelLogoutUri != null) {
                httpUrl("backchannelLogoutUri", backchannelLogoutUri);
            }
            positive("codeLifetime", codeLifetime);
            positive("tokenLifetime", tokenLifetime);
            Objects.requireNonNull(clock, "clock cannot be null");
            RSAKey key = signingKey != null ? signingKey : newKey();
            if (!key.isPrivate()) {
                throw new IllegalArgumentException("signingKey must hold the private key");
            }
            return new DevOidcConfig(this, key);
        }

        private static RSAKey newKey() {
            try {
                return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                        .keyIDFromThumbprint(true).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException("cannot generate the provider's RSA key", e);
            }
        }

        private static void positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be longer than zero");
            }
        }

        private static String httpUrl(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            URI uri;
            try {
                uri = URI.create(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " '" + value + "' is not a URL", e);
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(name + " '" + value + "' must be an http:// or https:// URL");
            }
            return value;
        }
    }
}
