package dev.portcullis.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The valve's configuration as typed, checked values. Immutable and thread-safe once built; the SP key
 * is loaded and checked against its certificate here, so that a bad key stops the valve at start.
 */
public final class Settings {

    private final Map<Setting, Object> values;
    private final String contextPath;
    private final ExternalUrl externalUrl;
    private final SpCredentials spCredentials;
    private final SpCredentials spSecondaryCredentials;
    private final RoleMapper roleMapper;
    private final EndpointPaths endpointPaths;
    private final Map<Setting, String> shown;

    /** Settings that only the SAML protocol reads: refused by name with protocol=oidc. */
    static final java.util.Set<Setting> SAML_ONLY = java.util.EnumSet.of(Setting.IDP_METADATA,
            Setting.IDP_METADATA_REFRESH_INTERVAL, Setting.IDP_METADATA_SIGNING_CERTIFICATE, Setting.IDP_METADATA_BACKUP,
            Setting.IDP_CERTIFICATE_EXPIRY, Setting.IDP_ENTITY_ID, Setting.SP_ENTITY_ID, Setting.SIGN_AUTHN_REQUESTS,
            Setting.WANT_ASSERTIONS_SIGNED, Setting.WANT_RESPONSES_SIGNED, Setting.WANT_ASSERTIONS_ENCRYPTED,
            Setting.ALLOW_RSA15_KEY_TRANSPORT, Setting.ALLOW_UNSOLICITED_RESPONSES, Setting.ALLOW_SHA1,
            Setting.MAX_RESPONSE_SIZE, Setting.MAX_RESPONSE_AGE, Setting.NAME_ID_FORMAT, Setting.AUTHN_CONTEXT_COMPARISON,
            Setting.ACS_PATH, Setting.SLO_PATH, Setting.METADATA_PATH, Setting.SP_SECONDARY_KEY_ALIAS,
            Setting.SP_SECONDARY_PRIVATE_KEY, Setting.SP_SECONDARY_CERTIFICATE);

    /** Settings that only the OIDC protocol reads: refused by name with protocol=saml. */
    static final java.util.Set<Setting> OIDC_ONLY = java.util.EnumSet.of(Setting.OIDC_ISSUER, Setting.OIDC_CLIENT_ID,
            Setting.OIDC_CLIENT_SECRET, Setting.OIDC_CLIENT_AUTHENTICATION, Setting.OIDC_SCOPES, Setting.CALLBACK_PATH,
            Setting.BACKCHANNEL_LOGOUT_PATH);

    Settings(Map<Setting, Object> values, String contextPath, Map<Setting, String> shown, java.util.Set<Setting> written) {
        this.values = Map.copyOf(values);
        this.shown = Map.copyOf(shown);
        this.contextPath = contextPath == null ? "" : contextPath;
        if (!values.containsKey(Setting.EXTERNAL_BASE_URL)) {
            throw new ConfigurationException(Setting.EXTERNAL_BASE_URL.attribute(), "is required: the URL browsers use"
                    + " to reach this Tomcat, such as https://apps.example.com.");
        }
        checkProtocolSettings(values, written);
        this.externalUrl = (ExternalUrl) values.get(Setting.EXTERNAL_BASE_URL);
        this.endpointPaths = EndpointPaths.of(values);
        if (((PathPatterns) values.get(Setting.PROTECTED_PATHS)).isEmpty()) {
            throw new ConfigurationException(Setting.PROTECTED_PATHS.attribute(), "is empty, which would protect nothing;"
                    + " remove the valve instead, or name the paths to protect (/* for all).");
        }
        if (sessionIdleTimeout().compareTo(sessionMaxLifetime()) > 0) {
            throw new ConfigurationException(Setting.SESSION_IDLE_TIMEOUT.attribute(), "("
                    + Durations.format(sessionIdleTimeout()) + ") is longer than sessionMaxLifetime ("
                    + Durations.format(sessionMaxLifetime()) + ").");
        }
        if (cookieName().startsWith("__Host-") && (!externalUrl.secure() || !this.contextPath.isEmpty())) {
            throw new ConfigurationException(Setting.COOKIE_NAME.attribute(), "a __Host- cookie needs an https"
                    + " externalBaseUrl and a valve at Host level (browsers reject it otherwise).");
        }
        if (cookieName().startsWith("__Secure-") && !externalUrl.secure()) {
            throw new ConfigurationException(Setting.COOKIE_NAME.attribute(), "a __Secure- cookie needs an https externalBaseUrl.");
        }
        this.spCredentials = loadCredentials();
        this.spSecondaryCredentials = loadSecondaryCredentials();
        if (spSecondaryCredentials != null && spCredentials == null) {
            throw new ConfigurationException(Setting.SP_SECONDARY_PRIVATE_KEY.attribute(), "is a rollover key and needs a"
                    + " primary key (spKeystore, or spPrivateKey and spCertificate).");
        }
        if (wantAssertionsEncrypted() && decryptionCredentials().stream().noneMatch(c -> "RSA".equals(c.privateKey().getAlgorithm()))) {
            // SAML encryption transports the content key with RSA (RSA-OAEP); an EC key can sign but not decrypt it.
            throw new ConfigurationException(Setting.WANT_ASSERTIONS_ENCRYPTED.attribute(), "is true but there is no RSA SP"
                    + " key to decrypt with: encrypted assertions carry their key for RSA, and an EC key cannot decrypt"
                    + " it. Use an RSA key (spKeystore, or spPrivateKey and spCertificate), or add one as"
                    + " spSecondaryPrivateKey/spSecondaryCertificate, which decrypts and is published for encryption.");
        }
        if (authnRequestSigning() == AuthnRequestSigning.ALWAYS && spCredentials == null) {
            throw new ConfigurationException(Setting.SP_KEYSTORE.attribute(), "is required (or spPrivateKey and"
                    + " spCertificate) because signAuthnRequests is true; the key signs AuthnRequests and its"
                    + " certificate goes into SP metadata.");
        }
        if (!stepUpPaths().isEmpty() && stepUpAuthnContext().isEmpty()) {
            throw new ConfigurationException(Setting.STEP_UP_AUTHN_CONTEXT.attribute(), "is required when stepUpPaths is"
                    + " set: name the AuthnContextClassRef those paths need.");
        }
        @SuppressWarnings("unchecked")
        Map<String, List<String>> mapping = (Map<String, List<String>>) values.get(Setting.ROLE_MAPPING);
        @SuppressWarnings("unchecked")
        List<String> roleAttributes = (List<String>) values.get(Setting.ROLE_ATTRIBUTES);
        this.roleMapper = new RoleMapper(roleAttributes, mapping, get(Setting.ALLOWED_ROLES, AllowedRoles.class));
    }

    /**
     * Each protocol's required settings, and no setting of the other protocol: a SAML setting left in a valve
     * switched to oidc would be silently ignored, so that the operator believes a check is on that is not.
     */
    /** The shortest client secret that may also key the sign-in state (see checkProtocolSettings). */
    static final int MIN_SECRET_AS_KEY = 32;

    private static void checkProtocolSettings(Map<Setting, Object> values, java.util.Set<Setting> written) {
        boolean oidc = "oidc".equals(values.get(Setting.PROTOCOL));
        for (Setting setting : oidc ? SAML_ONLY : OIDC_ONLY) {
            if (written.contains(setting)) {
                throw new ConfigurationException(setting.attribute(), "is " + (oidc ? "a SAML" : "an OpenID Connect")
                        + " setting and does not apply with protocol=\"" + (oidc ? "oidc" : "saml") + "\"; remove it.");
            }
        }
        if (!oidc) {
            if (!values.containsKey(Setting.IDP_METADATA)) {
                throw new ConfigurationException(Setting.IDP_METADATA.attribute(), "is required: a file path or https:// URL"
                        + " of your identity provider's SAML metadata.");
            }
            return;
        }
        if (!values.containsKey(Setting.OIDC_ISSUER)) {
            throw new ConfigurationException(Setting.OIDC_ISSUER.attribute(), "is required with protocol=\"oidc\": the"
                    + " issuer URL of your OpenID Provider, such as https://login.example.com/realms/main.");
        }
        if (!values.containsKey(Setting.OIDC_CLIENT_ID)) {
            throw new ConfigurationException(Setting.OIDC_CLIENT_ID.attribute(), "is required with protocol=\"oidc\": the"
                    + " client ID registered at the provider.");
        }
        String authentication = (String) values.get(Setting.OIDC_CLIENT_AUTHENTICATION);
        String secret = (String) values.get(Setting.OIDC_CLIENT_SECRET);
        if (authentication.startsWith("client_secret_") && (secret == null || secret.isEmpty())) {
            throw new ConfigurationException(Setting.OIDC_CLIENT_SECRET.attribute(), "is required with"
                    + " oidcClientAuthentication=" + authentication + ".");
        }
        // Without an SP key the secret is also the key of the HMAC that proves the sign-in state a browser carries
        // (RelayStates.keyFromSecret): state and nonce travel in URLs, so a short, human-chosen secret could be
        // found offline by trying guesses against one observed state. Providers generate 32 random characters or
        // more (Keycloak 32; Entra ID, Okta and Google longer); shorter ones are refused rather than guessed at.
        boolean spKey = values.containsKey(Setting.SP_KEYSTORE) || values.containsKey(Setting.SP_PRIVATE_KEY);
        if (authentication.startsWith("client_secret_") && !spKey && secret.length() < MIN_SECRET_AS_KEY) {
            throw new ConfigurationException(Setting.OIDC_CLIENT_SECRET.attribute(), "has " + secret.length()
                    + " characters; without an SP key (spKeystore or spPrivateKey) it also keys the sign-in state"
                    + " browsers carry, which a short secret would let an attacker guess offline: use the secret your"
                    + " provider generated (" + MIN_SECRET_AS_KEY + " characters or more), or configure an SP key.");
        }
        if (authentication.equals("private_key_jwt") && secret != null) {
            throw new ConfigurationException(Setting.OIDC_CLIENT_SECRET.attribute(), "is set but"
                    + " oidcClientAuthentication=private_key_jwt signs with the SP key instead; remove it.");
        }
        if (authentication.equals("private_key_jwt") && !values.containsKey(Setting.SP_KEYSTORE)
                && !values.containsKey(Setting.SP_PRIVATE_KEY)) {
            throw new ConfigurationException(Setting.SP_KEYSTORE.attribute(), "is required (or spPrivateKey and"
                    + " spCertificate) with oidcClientAuthentication=private_key_jwt: its key signs the client assertion.");
        }
    }

    private SpCredentials loadCredentials() {
        boolean keystore = values.containsKey(Setting.SP_KEYSTORE);
        boolean pemKey = values.containsKey(Setting.SP_PRIVATE_KEY);
        boolean pemCertificate = values.containsKey(Setting.SP_CERTIFICATE);
        if (keystore && (pemKey || pemCertificate)) {
            throw new ConfigurationException(Setting.SP_KEYSTORE.attribute(), "and spPrivateKey/spCertificate are"
                    + " both set; use one or the other.");
        }
        if (keystore) {
            String password = (String) values.get(Setting.SP_KEYSTORE_PASSWORD);
            return SpCredentials.fromPkcs12((Path) values.get(Setting.SP_KEYSTORE),
                    password == null ? new char[0] : password.toCharArray(), (String) values.get(Setting.SP_KEY_ALIAS));
        }
        if (pemKey != pemCertificate) {
            throw new ConfigurationException(pemKey ? Setting.SP_CERTIFICATE.attribute() : Setting.SP_PRIVATE_KEY.attribute(),
                    "is required together with " + (pemKey ? "spPrivateKey" : "spCertificate") + ".");
        }
        if (pemKey) {
            return SpCredentials.fromPem((Path) values.get(Setting.SP_PRIVATE_KEY), (Path) values.get(Setting.SP_CERTIFICATE));
        }
        return null;
    }

    private SpCredentials loadSecondaryCredentials() {
        boolean alias = values.containsKey(Setting.SP_SECONDARY_KEY_ALIAS);
        boolean pemKey = values.containsKey(Setting.SP_SECONDARY_PRIVATE_KEY);
        boolean pemCertificate = values.containsKey(Setting.SP_SECONDARY_CERTIFICATE);
        if (alias) {
            if (!values.containsKey(Setting.SP_KEYSTORE)) {
                throw new ConfigurationException(Setting.SP_SECONDARY_KEY_ALIAS.attribute(), "needs spKeystore.");
            }
            String password = (String) values.get(Setting.SP_KEYSTORE_PASSWORD);
            return SpCredentials.fromPkcs12((Path) values.get(Setting.SP_KEYSTORE),
                    password == null ? new char[0] : password.toCharArray(), (String) values.get(Setting.SP_SECONDARY_KEY_ALIAS));
        }
        if (pemKey != pemCertificate) {
            throw new ConfigurationException(pemKey ? Setting.SP_SECONDARY_CERTIFICATE.attribute()
                    : Setting.SP_SECONDARY_PRIVATE_KEY.attribute(), "is required together with "
                    + (pemKey ? "spSecondaryPrivateKey" : "spSecondaryCertificate") + ".");
        }
        return pemKey ? SpCredentials.fromPem((Path) values.get(Setting.SP_SECONDARY_PRIVATE_KEY),
                (Path) values.get(Setting.SP_SECONDARY_CERTIFICATE)) : null;
    }

    private <T> T get(Setting setting, Class<T> type) {
        return type.cast(values.get(setting));
    }

    /** {@code ""} at Host level, the context path (such as {@code /app}) at Context level. */
    public String contextPath() {
        return contextPath;
    }

    public ExternalUrl externalUrl() {
        return externalUrl;
    }

    /** Where the endpoints are, below the context path (what the engine routes on). */
    public EndpointPaths endpointPaths() {
        return endpointPaths;
    }

    /** The Assertion Consumer Service's path, with the context path. */
    public String acsPath() {
        return contextPath + endpointPaths.acs();
    }

    /** Whether the sign-in protocol is OpenID Connect (protocol=oidc) rather than SAML. */
    public boolean oidc() {
        return "oidc".equals(values.get(Setting.PROTOCOL));
    }

    /** The protocol setting as written: saml or oidc. */
    public String protocol() {
        return (String) values.get(Setting.PROTOCOL);
    }

    /** With oidc: the provider's issuer identifier, exactly as configured. */
    public String oidcIssuer() {
        Object issuer = values.get(Setting.OIDC_ISSUER);
        return issuer == null ? null : issuer.toString();
    }

    public String oidcClientId() {
        return get(Setting.OIDC_CLIENT_ID, String.class);
    }

    /** The client secret, or null; never logged. */
    public String oidcClientSecret() {
        return get(Setting.OIDC_CLIENT_SECRET, String.class);
    }

    /** client_secret_basic, client_secret_post or private_key_jwt. */
    public String oidcClientAuthentication() {
        return get(Setting.OIDC_CLIENT_AUTHENTICATION, String.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> oidcScopes() {
        return (List<String>) values.get(Setting.OIDC_SCOPES);
    }

    /** The OIDC redirect URI: where the provider sends the authorization code. */
    public String callbackUrl() {
        return externalUrl.resolve(contextPath + endpointPaths.callback());
    }

    /** The OIDC back-channel logout URI. */
    public String backchannelLogoutUrl() {
        return externalUrl.resolve(contextPath + endpointPaths.backchannelLogout());
    }

    /** The Single Logout endpoint's path, with the context path. */
    public String sloPath() {
        return contextPath + endpointPaths.slo();
    }

    /** The sign-out form's path, with the context path. */
    public String logoutPath() {
        return contextPath + endpointPaths.logout();
    }

    /** The signed-out page's path, with the context path. */
    public String signedOutPath() {
        return contextPath + endpointPaths.signedOut();
    }

    /** The SingleLogoutService URL: the Destination of the IdP's logout messages. */
    public String sloUrl() {
        return externalUrl.resolve(sloPath());
    }

    public boolean singleLogout() {
        return get(Setting.SINGLE_LOGOUT, Boolean.class);
    }

    /** Landing path after logout below the context path, or empty for Portcullis's own page. */
    public Optional<String> logoutLandingPath() {
        String landing = get(Setting.LOGOUT_LANDING_PATH, String.class);
        if (landing == null) {
            return Optional.empty();
        }
        return Optional.of(contextPath.isEmpty() ? landing : contextPath + (landing.equals("/") ? "/" : landing));
    }

    public boolean invalidateWebappSessions() {
        return get(Setting.INVALIDATE_WEBAPP_SESSIONS, Boolean.class);
    }

    /** The SP metadata's path, with the context path. */
    public String metadataPath() {
        return contextPath + endpointPaths.metadata();
    }

    /** The Assertion Consumer Service URL: Destination and Recipient must equal it exactly. */
    public String acsUrl() {
        return externalUrl.resolve(acsPath());
    }

    public String metadataUrl() {
        return externalUrl.resolve(metadataPath());
    }

    public String spEntityId() {
        String configured = get(Setting.SP_ENTITY_ID, String.class);
        return configured != null ? configured : metadataUrl();
    }

    /**
     * The SP key, or empty when none is configured (not with signAuthnRequests=true; with auto, the start
     * stops if the IdP's metadata asks for signed requests).
     */
    public Optional<SpCredentials> spCredentials() {
        return Optional.ofNullable(spCredentials);
    }

    /** The rollover key, published and used to decrypt but never to sign. */
    public Optional<SpCredentials> spSecondaryCredentials() {
        return Optional.ofNullable(spSecondaryCredentials);
    }

    /** Every SP key: the current one first, then the rollover one. */
    public List<SpCredentials> decryptionCredentials() {
        List<SpCredentials> all = new java.util.ArrayList<>(2);
        if (spCredentials != null) {
            all.add(spCredentials);
        }
        if (spSecondaryCredentials != null) {
            all.add(spSecondaryCredentials);
        }
        return all;
    }

    public boolean forceAuthn() {
        return get(Setting.FORCE_AUTHN, Boolean.class);
    }

    public boolean passive() {
        return get(Setting.PASSIVE, Boolean.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> requestedAuthnContext() {
        return (List<String>) values.get(Setting.REQUESTED_AUTHN_CONTEXT);
    }

    public String authnContextComparison() {
        return get(Setting.AUTHN_CONTEXT_COMPARISON, String.class);
    }

    public PathPatterns stepUpPaths() {
        return get(Setting.STEP_UP_PATHS, PathPatterns.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> stepUpAuthnContext() {
        return (List<String>) values.get(Setting.STEP_UP_AUTHN_CONTEXT);
    }

    public boolean stepUpForceAuthn() {
        return get(Setting.STEP_UP_FORCE_AUTHN, Boolean.class);
    }

    public boolean wantAssertionsEncrypted() {
        return get(Setting.WANT_ASSERTIONS_ENCRYPTED, Boolean.class);
    }

    public boolean allowRsa15KeyTransport() {
        return get(Setting.ALLOW_RSA15_KEY_TRANSPORT, Boolean.class);
    }

    /** A {@link Path} or an http(s) {@link URI}. */
    public Object idpMetadataLocation() {
        return values.get(Setting.IDP_METADATA);
    }

    public Duration idpMetadataRefreshInterval() {
        return get(Setting.IDP_METADATA_REFRESH_INTERVAL, Duration.class);
    }

    /** The certificate IdP metadata must be signed with, or empty. */
    public Optional<java.security.cert.X509Certificate> idpMetadataSigningCertificate() {
        Path file = get(Setting.IDP_METADATA_SIGNING_CERTIFICATE, Path.class);
        return file == null ? Optional.empty()
                : Optional.of(SpCredentials.readPemCertificate(Setting.IDP_METADATA_SIGNING_CERTIFICATE.attribute(), file));
    }

    /** Where to keep the last good copy of URL metadata: the setting, else under $CATALINA_BASE/work, else none. */
    public Optional<Path> idpMetadataBackup() {
        return idpMetadataBackup(System.getProperty("catalina.base"));
    }

    /**
     * Where a valve with these settings under {@code catalinaBase} keeps that copy: how saml-inspect finds
     * the metadata a running valve trusts.
     *
     * @param base the valve's catalina.base, or null
     */
    public Optional<Path> idpMetadataBackup(String base) {
        Path configured = get(Setting.IDP_METADATA_BACKUP, Path.class);
        if (configured != null) {
            return Optional.of(configured);
        }
        if (base == null) {
            return Optional.empty();
        }
        String hash = sha256(idpMetadataLocation() + "\n" + acsUrl()).substring(0, 12);
        return Optional.of(Path.of(base, "work", "portcullis", "idp-metadata-" + hash + ".xml"));
    }

    /** Whether an IdP signing key stops being trusted when its certificate expires (idpCertificateExpiry=refuse). */
    public boolean refuseExpiredIdpCertificates() {
        return get(Setting.IDP_CERTIFICATE_EXPIRY, Boolean.class);
    }

    public Optional<String> idpEntityId() {
        return Optional.ofNullable(get(Setting.IDP_ENTITY_ID, String.class));
    }

    public PathPatterns protectedPaths() {
        return get(Setting.PROTECTED_PATHS, PathPatterns.class);
    }

    public PathPatterns excludedPaths() {
        return get(Setting.EXCLUDED_PATHS, PathPatterns.class);
    }

    public Optional<String> principalAttribute() {
        return Optional.ofNullable(get(Setting.PRINCIPAL_ATTRIBUTE, String.class));
    }

    public RoleMapper roleMapper() {
        return roleMapper;
    }

    public Duration clockSkew() {
        return get(Setting.CLOCK_SKEW, Duration.class);
    }

    public Duration maxResponseAge() {
        return get(Setting.MAX_RESPONSE_AGE, Duration.class);
    }

    public Duration sessionIdleTimeout() {
        return get(Setting.SESSION_IDLE_TIMEOUT, Duration.class);
    }

    public Duration sessionMaxLifetime() {
        return get(Setting.SESSION_MAX_LIFETIME, Duration.class);
    }

    public Duration loginRequestTimeout() {
        return get(Setting.LOGIN_REQUEST_TIMEOUT, Duration.class);
    }

    public String cookieName() {
        return get(Setting.COOKIE_NAME, String.class);
    }

    /** The cookie path: {@code /} at Host level so one sign-in covers every webapp, else the context path. */
    public String cookiePath() {
        return contextPath.isEmpty() ? "/" : contextPath;
    }

    public RateLimit signInRateLimit() {
        return get(Setting.SIGN_IN_RATE_LIMIT, RateLimit.class);
    }

    public AuthnRequestSigning authnRequestSigning() {
        return get(Setting.SIGN_AUTHN_REQUESTS, AuthnRequestSigning.class);
    }

    public boolean wantAssertionsSigned() {
        return get(Setting.WANT_ASSERTIONS_SIGNED, Boolean.class);
    }

    public boolean wantResponsesSigned() {
        return get(Setting.WANT_RESPONSES_SIGNED, Boolean.class);
    }

    public boolean allowUnsolicitedResponses() {
        return get(Setting.ALLOW_UNSOLICITED_RESPONSES, Boolean.class);
    }

    public boolean allowSha1() {
        return get(Setting.ALLOW_SHA1, Boolean.class);
    }

    public int maxResponseSize() {
        return get(Setting.MAX_RESPONSE_SIZE, Integer.class);
    }

    public Optional<String> nameIdFormat() {
        return Optional.ofNullable(get(Setting.NAME_ID_FORMAT, String.class));
    }

    /** Landing path below the context path. */
    public String defaultLandingPath() {
        String landing = get(Setting.DEFAULT_LANDING_PATH, String.class);
        return contextPath.isEmpty() ? landing : contextPath + (landing.equals("/") ? "/" : landing);
    }

    public boolean exposeAttributes() {
        return get(Setting.EXPOSE_ATTRIBUTES, Boolean.class);
    }

    public IdentityHeaderMapping identityHeaders() {
        return get(Setting.IDENTITY_HEADERS, IdentityHeaderMapping.class);
    }

    public Optional<Path> ehcacheConfig() {
        return Optional.ofNullable(get(Setting.EHCACHE_CONFIG, Path.class));
    }

    /** The settings in force as written (or their defaults), secrets masked; by attribute name, in the enum's order. */
    public Map<String, String> inForce() {
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        for (Setting setting : Setting.values()) {
            String text = shown.get(setting);
            if (text != null) {
                texts.put(setting.attribute(), text);
            }
        }
        return texts;
    }

    /** Who may read the health check's reason and figures. */
    public AddressRanges healthDetailsFrom() {
        return get(Setting.HEALTH_DETAILS_FROM, AddressRanges.class);
    }

    public Optional<Path> logConfig() {
        return Optional.ofNullable(get(Setting.LOG_CONFIG, Path.class));
    }

    /** The same spelling as SessionIds.hash, so backups written by earlier versions keep their names. */
    private static String sha256(String text) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                    .getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
