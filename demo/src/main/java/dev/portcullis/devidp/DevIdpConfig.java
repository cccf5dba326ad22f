package dev.portcullis.devidp;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;

/**
 * Everything a {@link DevIdp} runs with, checked when {@link Builder#build()} is called. Immutable and
 * thread-safe.
 *
 * <p>The IdP serves exactly one service provider. When that SP's certificate is configured, every
 * AuthnRequest must be signed with the matching key (and the metadata says so with
 * {@code WantAuthnRequestsSigned="true"}); without it, requests are accepted unsigned. Single Logout
 * needs that certificate too: logout messages are only ever accepted signed, since a forged one would
 * end someone else's session.
 */
public final class DevIdpConfig {

    /** Default lifetime of an assertion (Conditions and SubjectConfirmationData NotOnOrAfter). */
    public static final Duration DEFAULT_ASSERTION_LIFETIME = Duration.ofMinutes(5);
    /** Loopback only by default: the IdP signs in anyone who knows a demo password. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1";

    private final String baseUrl;
    private final String entityId;
    private final int port;
    private final String address;
    private final TestCredentials credentials;
    private final String spEntityId;
    private final String acsUrl;
    private final String spSloUrl;
    private final X509Certificate spCertificate;
    private final SigningMode signingMode;
    private final Map<String, DevUser> users;
    private final Duration assertionLifetime;
    private final Clock clock;
    private final String nameIdFormat;
    private final Path baseDir;
    private final boolean answerPartialLogout;
    private final boolean encryptAssertions;

    private DevIdpConfig(Builder b, String spSloUrl) {
        this.baseUrl = b.baseUrl;
        this.entityId = b.entityId;
        this.port = b.port;
        this.address = b.address;
        this.credentials = b.credentials != null ? b.credentials : TestCredentials.rsa("Portcullis development IdP");
        this.spEntityId = b.spEntityId;
        this.acsUrl = b.acsUrl;
        this.spSloUrl = spSloUrl;
        this.spCertificate = b.spCertificate;
        this.signingMode = b.signingMode;
        Map<String, DevUser> byName = new LinkedHashMap<>();
        for (DevUser user : b.users.isEmpty() ? DevUser.demoUsers() : b.users) {
            if (byName.putIfAbsent(user.username(), user) != null) {
                throw new IllegalArgumentException("two users are named " + user.username());
            }
        }
        this.users = Collections.unmodifiableMap(byName);
        this.assertionLifetime = b.assertionLifetime;
        this.clock = b.clock;
        this.nameIdFormat = b.nameIdFormat;
        this.baseDir = b.baseDir;
        this.answerPartialLogout = b.answerPartialLogout;
        this.encryptAssertions = b.encryptAssertions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The URL browsers reach the IdP at, without a trailing slash; empty means http://localhost:&lt;port&gt;. */
    public Optional<String> baseUrl() {
        return Optional.ofNullable(baseUrl);
    }

    /** The IdP's entityID; empty means &lt;baseUrl&gt;/metadata. */
    public Optional<String> entityId() {
        return Optional.ofNullable(entityId);
    }

    /** The port to listen on; 0 picks a free one ({@link DevIdp#port()} tells which). */
    public int port() {
        return port;
    }

    /** The address to listen on. */
    public String address() {
        return address;
    }

    /** The IdP's signing key and certificate. */
    public TestCredentials credentials() {
        return credentials;
    }

    public String spEntityId() {
        return spEntityId;
    }

    /** Where responses are posted; an AuthnRequest naming another ACS URL is refused. */
    public String acsUrl() {
        return acsUrl;
    }

    /**
     * The SP's Single Logout endpoint, where LogoutResponses and IdP-initiated LogoutRequests are sent
     * (HTTP-Redirect binding); a logout message is never sent anywhere else.
     */
    public String spSloUrl() {
        return spSloUrl;
    }

    /** The SP's signing certificate; present means AuthnRequests must be signed with its key. */
    public Optional<X509Certificate> spCertificate() {
        return Optional.ofNullable(spCertificate);
    }

    public SigningMode signingMode() {
        return signingMode;
    }

    /** The users by username, in the order they were added. */
    public Map<String, DevUser> users() {
        return users;
    }

    public Duration assertionLifetime() {
        return assertionLifetime;
    }

    /** The clock every timestamp the IdP writes and every pending login's age is read from. */
    public Clock clock() {
        return clock;
    }

    /** The Format of the NameID in every assertion. */
    public String nameIdFormat() {
        return nameIdFormat;
    }

    /** Tomcat's base directory; empty means a temporary directory removed on close. */
    public Optional<Path> baseDir() {
        return Optional.ofNullable(baseDir);
    }

    /**
     * Whether the LogoutResponse to the SP's LogoutRequest says Success with the second-level status
     * PartialLogout, as an IdP that could not end the user's sessions at every other service provider
     * would (for tests); false means plain Success.
     */
    public boolean answerPartialLogout() {
        return answerPartialLogout;
    }

    /**
     * Whether each assertion is encrypted for the SP's certificate (AES-256-GCM, key wrapped with
     * RSA-OAEP), after it is signed, as IdPs do; false sends it in the clear.
     */
    public boolean encryptAssertions() {
        return encryptAssertions;
    }

    /** Collects the settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private String entityId;
        private int port;
        private String address = DEFAULT_ADDRESS;
        private TestCredentials credentials;
        private String spEntityId;
        private String acsUrl;
        private String spSloUrl;
        private X509Certificate spCertificate;
        private SigningMode signingMode = SigningMode.ASSERTION;
        private final List<DevUser> users = new ArrayList<>();
        private Duration assertionLifetime = DEFAULT_ASSERTION_LIFETIME;
        private Clock clock = Clock.systemUTC();
        private String nameIdFormat = SamlResponseBuilder.NAMEID_UNSPECIFIED;
        private Path baseDir;
        private boolean answerPartialLogout;
        private boolean encryptAssertions;

        private Builder() {
        }

        /** Such as http://localhost:8081; default http://localhost:&lt;actual port&gt;. */
        public Builder baseUrl(String value) {
            this.baseUrl = value;
            return this;
        }

        /** Default &lt;baseUrl&gt;/metadata. */
        public Builder entityId(String value) {
            this.entityId = value;
            return this;
        }

        /** Default 0: a free port. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Default {@value DevIdpConfig#DEFAULT_ADDRESS}. */
        public Builder address(String value) {
            this.address = value;
            return this;
        }

        /** Default: a new RSA-2048 key. */
        public Builder credentials(TestCredentials value) {
            this.credentials = value;
            return this;
        }

        /** The service provider served: its entityID and ACS URL (both required). */
        public Builder serviceProvider(String spEntityId, String acsUrl) {
            this.spEntityId = spEntityId;
            this.acsUrl = acsUrl;
            return this;
        }

        /**
         * Default: the ACS URL with its last path segment {@code /acs} replaced by {@code /slo} (the
         * valve's layout, such as https://apps.example.com/sso/slo); required when the ACS URL does not
         * end in {@code /acs}.
         */
        public Builder spSloUrl(String value) {
            this.spSloUrl = value;
            return this;
        }

        /**
         * Default none (unsigned AuthnRequests accepted, no Single Logout); when set, every AuthnRequest
         * must be signed, and Single Logout is offered.
         */
        public Builder spCertificate(X509Certificate value) {
            this.spCertificate = value;
            return this;
        }

        /** Default {@link SigningMode#ASSERTION}. */
        public Builder signingMode(SigningMode value) {
            this.signingMode = value;
            return this;
        }

        /** Adds a user; with none added, the IdP has {@link DevUser#demoUsers()}. */
        public Builder user(DevUser value) {
            users.add(Objects.requireNonNull(value));
            return this;
        }

        public Builder users(List<DevUser> values) {
            values.forEach(this::user);
            return this;
        }

        /** Default {@link DevIdpConfig#DEFAULT_ASSERTION_LIFETIME}. */
        public Builder assertionLifetime(Duration value) {
            this.assertionLifetime = value;
            return this;
        }

        /** Default the system UTC clock. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Default {@link SamlResponseBuilder#NAMEID_UNSPECIFIED}. */
        public Builder nameIdFormat(String value) {
            this.nameIdFormat = value;
            return this;
        }

        /** Default: a temporary directory. */
        public Builder baseDir(Path value) {
            this.baseDir = value;
            return this;
        }

        /** Default false: LogoutResponses say plain Success. */
        public Builder answerPartialLogout(boolean value) {
            this.answerPartialLogout = value;
            return this;
        }

        /** Default false. True needs the SP's certificate ({@link #spCertificate}), an RSA one. */
        public Builder encryptAssertions(boolean value) {
            this.encryptAssertions = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first setting that is missing or wrong */
        public DevIdpConfig build() {
            baseUrl = baseUrl == null ? null : httpUrl("baseUrl", stripTrailingSlash(baseUrl));
            if (entityId != null && entityId.isBlank()) {
                throw new IllegalArgumentException("entityId cannot be blank");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, not " + port);
            }
            Objects.requireNonNull(address, "address cannot be null");
            if (spEntityId == null || spEntityId.isBlank()) {
                throw new IllegalArgumentException("the SP entityID is required (serviceProvider)");
            }
            httpUrl("acsUrl", acsUrl);
            String sloUrl = httpUrl("spSloUrl", spSloUrl != null ? spSloUrl : sloUrlBeside(acsUrl));
            Objects.requireNonNull(signingMode, "signingMode cannot be null");
            Objects.requireNonNull(clock, "clock cannot be null");
            Objects.requireNonNull(nameIdFormat, "nameIdFormat cannot be null");
            if (assertionLifetime == null || assertionLifetime.isNegative() || assertionLifetime.isZero()) {
                throw new IllegalArgumentException("assertionLifetime must be longer than zero");
            }
            if (encryptAssertions && (spCertificate == null || !"RSA".equals(spCertificate.getPublicKey().getAlgorithm()))) {
                throw new IllegalArgumentException("encryptAssertions needs the SP's RSA certificate (spCertificate)");
            }
            return new DevIdpConfig(this, sloUrl);
        }

        /** The ACS URL with {@code /acs} at the end of its path replaced by {@code /slo}. */
        private static String sloUrlBeside(String acs) {
            URI uri = URI.create(acs);
            String path = uri.getRawPath();
            if (path == null || !path.endsWith("/acs") || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("spSloUrl is required: it cannot be derived from the ACS URL '" + acs
                        + "', whose path does not end in /acs");
            }
            return acs.substring(0, acs.length() - "acs".length()) + "slo";
        }

        private static String stripTrailingSlash(String url) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
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
