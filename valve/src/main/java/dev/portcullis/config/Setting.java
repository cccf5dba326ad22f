package dev.portcullis.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Every {@code <Valve>} attribute Portcullis understands: its name in {@code server.xml}, its default and
 * what it means. Each value is parsed into its typed form the moment Tomcat sets it, so that a bad
 * value is reported once, by name, when the valve starts. The README's settings table is this enum.
 */
public enum Setting {

    PROTOCOL("protocol", "saml", Setting::protocol,
            "The sign-in protocol: saml (SAML 2.0 Web Browser SSO, built in) or oidc (OpenID Connect authorization code"
                    + " flow with PKCE; needs portcullis-oidc-VERSION.jar next to the valve JAR)."),
    EXTERNAL_BASE_URL("externalBaseUrl", null, ExternalUrl::parse,
            "The origin browsers use to reach this Tomcat, such as https://apps.example.com. Every URL Portcullis"
                    + " publishes is built from it. Required."),
    SP_ENTITY_ID("spEntityId", null, Setting::nonBlank,
            "The SAML entityID of this service provider. Default: the metadata URL, externalBaseUrl + context path +"
                    + " metadataPath (/sso/metadata)."),
    SP_KEYSTORE("spKeystore", null, Setting::path,
            "PKCS#12 keystore with the SP's private key and certificate (or use spPrivateKey + spCertificate)."),
    SP_KEYSTORE_PASSWORD("spKeystorePassword", "", (name, v) -> v,
            "Password of spKeystore. Never logged."),
    SP_KEY_ALIAS("spKeyAlias", null, Setting::nonBlank,
            "Alias of the key entry in spKeystore. Default: the first key entry."),
    SP_PRIVATE_KEY("spPrivateKey", null, Setting::path,
            "PEM file with the SP's unencrypted PKCS#8 private key (RSA >= 2048 bits or EC)."),
    SP_CERTIFICATE("spCertificate", null, Setting::path,
            "PEM file with the SP's certificate, published in SP metadata."),
    SP_SECONDARY_KEY_ALIAS("spSecondaryKeyAlias", null, Setting::nonBlank,
            "For an SP key rollover: alias of a second key in spKeystore. It is published in SP metadata and decrypts,"
                    + " but never signs."),
    SP_SECONDARY_PRIVATE_KEY("spSecondaryPrivateKey", null, Setting::path,
            "For an SP key rollover with PEM files: the second private key (published and used to decrypt, never to sign)."),
    SP_SECONDARY_CERTIFICATE("spSecondaryCertificate", null, Setting::path,
            "The certificate of spSecondaryPrivateKey."),
    IDP_METADATA("idpMetadata", null, Setting::metadataLocation,
            "The IdP's SAML metadata: a file path, or an https:// URL (plain http:// only from this machine: localhost,"
                    + " 127.0.0.1 or any 127.x.y.z address, or [::1]). Required."),
    IDP_METADATA_REFRESH_INTERVAL("idpMetadataRefreshInterval", "1h", Setting::positiveDuration,
            "How often the IdP metadata is read again (sooner when its cacheDuration or validUntil say so). A failed"
                    + " refresh keeps the previous metadata."),
    IDP_METADATA_SIGNING_CERTIFICATE("idpMetadataSigningCertificate", null, Setting::path,
            "PEM certificate that must have signed the IdP metadata (as federations sign theirs). Default: not required."),
    IDP_METADATA_BACKUP("idpMetadataBackup", null, Setting::path,
            "Where the last good copy of URL metadata is kept, used when the URL is down at start, and read by"
                    + " saml-inspect --server-xml as what the running valve trusts. Default:"
                    + " $CATALINA_BASE/work/portcullis/idp-metadata-HASH.xml."),
    IDP_CERTIFICATE_EXPIRY("idpCertificateExpiry", "warn", Setting::certificateExpiry,
            "What an expired IdP signing certificate means. warn: its key is still trusted, with a warning at start (the"
                    + " SAML metadata interoperability profile; Shibboleth SP does the same). refuse: a key is trusted only"
                    + " until its certificate's notAfter; metadata with no such key left is refused."),
    IDP_ENTITY_ID("idpEntityId", null, Setting::nonBlank,
            "entityID of the IdP to trust, when the metadata describes several. Default: the only IdP in it."),
    OIDC_ISSUER("oidcIssuer", null, Setting::issuer,
            "With protocol=oidc: the OpenID Provider's issuer URL; its discovery document is read from"
                    + " issuer/.well-known/openid-configuration and must name exactly this issuer. https:// (plain http://"
                    + " only from this machine, as for idpMetadata). Required with oidc."),
    OIDC_CLIENT_ID("oidcClientId", null, Setting::nonBlank,
            "With protocol=oidc: the client ID registered at the provider. Required with oidc."),
    OIDC_CLIENT_SECRET("oidcClientSecret", null, (name, v) -> v,
            "With protocol=oidc: the client secret, for client_secret_basic and client_secret_post. Never logged or"
                    + " shown; keep it out of server.xml with Tomcat's ${...} property substitution. Without an SP key it"
                    + " must have 32 characters or more, as it then also keys the sign-in state."),
    OIDC_CLIENT_AUTHENTICATION("oidcClientAuthentication", "client_secret_basic", Setting::clientAuthentication,
            "With protocol=oidc: how Portcullis authenticates at the token endpoint: client_secret_basic,"
                    + " client_secret_post, or private_key_jwt (a JWT signed with the SP key of spKeystore/spPrivateKey)."),
    OIDC_SCOPES("oidcScopes", "openid profile email", Setting::scopes,
            "With protocol=oidc: the scopes to request, separated by spaces or commas; must contain openid."),
    PROTECTED_PATHS("protectedPaths", "/*", PathPatterns::parse,
            "URL patterns (servlet syntax: /*, /app/*, *.do, /exact) that require sign-in."),
    EXCLUDED_PATHS("excludedPaths", "", PathPatterns::parse,
            "URL patterns that never require sign-in and get no identity, checked before protectedPaths."),
    PRINCIPAL_ATTRIBUTE("principalAttribute", null, Setting::nonBlank,
            "SAML attribute (with oidc: ID token claim) whose (first) value is the user name. Default: the NameID (with"
                    + " oidc: the sub claim)."),
    ROLE_ATTRIBUTES("roleAttributes", "", Setting::list,
            "SAML attribute(s) whose values become roles for isUserInRole and auth-constraints, comma separated. With"
                    + " oidc: ID token claims; a dotted name reaches into JSON objects, such as realm_access.roles."),
    ROLE_MAPPING("roleMapping", "", RoleMapper::parseMapping,
            "Renames IdP values to role names: idpValue=role, comma separated. The only way to grant one of Tomcat's"
                    + " administrative roles (manager-gui, manager-script, manager-jmx, manager-status, admin-gui,"
                    + " admin-script): unmapped values with those names are dropped and audited."),
    ALLOWED_ROLES("allowedRoles", "*", AllowedRoles::parse,
            "Which unmapped IdP values become roles as they are, comma separated: * for every value except"
                    + " Tomcat's administrative roles; a list for only those; empty for none (only roleMapping"
                    + " grants roles). Dropped values are audited."),
    CLOCK_SKEW("clockSkew", "2m", Setting::boundedDuration,
            "Tolerance for clock differences with the IdP on every time check (at most 10m)."),
    MAX_RESPONSE_AGE("maxResponseAge", "5m", Setting::positiveDuration,
            "How old a Response's IssueInstant may be when it reaches the ACS."),
    SESSION_IDLE_TIMEOUT("sessionIdleTimeout", "30m", Setting::positiveDuration,
            "A session unused for this long ends."),
    SESSION_MAX_LIFETIME("sessionMaxLifetime", "8h", Setting::positiveDuration,
            "A session ends this long after sign-in however active it is (sooner if the IdP's"
                    + " SessionNotOnOrAfter says so)."),
    LOGIN_REQUEST_TIMEOUT("loginRequestTimeout", "10m", Setting::positiveDuration,
            "How long a user may take at the IdP: a Response (or LogoutResponse) answering a request older"
                    + " than this is refused."),
    COOKIE_NAME("cookieName", "PORTCULLIS", Setting::cookieName,
            "Name of the session cookie (HttpOnly, SameSite=Lax, Secure on https)."),
    SIGN_AUTHN_REQUESTS("signAuthnRequests", "auto", AuthnRequestSigning::parse,
            "Sign AuthnRequests with the SP key (RSA-SHA256, or ECDSA-SHA256/384 for a P-256/P-384 key): auto when the"
                    + " IdP's metadata asks for it (WantAuthnRequestsSigned), true always, false never."),
    SIGN_IN_RATE_LIMIT("signInRateLimit", "100/10s", RateLimit::parse,
            "How many sign-ins one client address (an IPv6 /64) may start: N/duration, refilled evenly, or off. Past it"
                    + " the client gets 429 with Retry-After. Behind a proxy it needs RemoteIpValve, or every user"
                    + " shares the proxy's address."),
    WANT_ASSERTIONS_SIGNED("wantAssertionsSigned", "true", Setting::bool,
            "Require the Assertion itself to be signed; false also accepts an assertion covered only by a signed Response."),
    WANT_RESPONSES_SIGNED("wantResponsesSigned", "false", Setting::bool,
            "Require the Response itself to be signed as well (what other SPs call \"want messages signed\"), for"
                    + " IdPs that sign it and policies that demand it."),
    WANT_ASSERTIONS_ENCRYPTED("wantAssertionsEncrypted", "false", Setting::bool,
            "Refuse assertions that arrive unencrypted. Needs an RSA SP key (advertised in SP metadata for encryption)."),
    ALLOW_RSA15_KEY_TRANSPORT("allowRsa15KeyTransport", "false", Setting::bool,
            "Accept RSA PKCS#1 v1.5 key transport in encrypted assertions (RSA-OAEP only by default). Only for IdPs"
                    + " that cannot do better."),
    ALLOW_UNSOLICITED_RESPONSES("allowUnsolicitedResponses", "false", Setting::bool,
            "Accept IdP-initiated responses (no AuthnRequest). They land on defaultLandingPath."),
    ALLOW_SHA1("allowSha1", "false", Setting::bool,
            "Accept RSA-SHA1 signatures and SHA-1 digests from the IdP. Only for IdPs that cannot do better."),
    MAX_RESPONSE_SIZE("maxResponseSize", "256KB", Setting::size,
            "Largest SAMLResponse accepted, decoded (B, KB or MB)."),
    NAME_ID_FORMAT("nameIdFormat", null, Setting::nonBlank,
            "NameIDPolicy Format to request, such as urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress."
                    + " Default: none (the IdP chooses)."),
    FORCE_AUTHN("forceAuthn", "false", Setting::bool,
            "Ask the IdP to authenticate the user again even if it has a session (ForceAuthn)."),
    PASSIVE("passive", "false", Setting::bool,
            "Ask the IdP not to interact with the user (IsPassive); a user without an IdP session then cannot sign in."),
    REQUESTED_AUTHN_CONTEXT("requestedAuthnContext", "", Setting::list,
            "AuthnContextClassRef URIs to request for every sign-in, comma separated; a sign-in that used none of"
                    + " them is refused. Default: none requested."),
    AUTHN_CONTEXT_COMPARISON("authnContextComparison", "exact", Setting::comparison,
            "Comparison sent with RequestedAuthnContext: exact, minimum, better or maximum. Portcullis accepts only"
                    + " the listed classes whatever the comparison."),
    STEP_UP_PATHS("stepUpPaths", "", PathPatterns::parse,
            "URL patterns that need a stronger sign-in (such as multi-factor): a session without one of"
                    + " stepUpAuthnContext is sent back to the IdP asking for it."),
    STEP_UP_AUTHN_CONTEXT("stepUpAuthnContext", "", Setting::list,
            "AuthnContextClassRef URIs that satisfy stepUpPaths, comma separated, such as"
                    + " https://refeds.org/profile/mfa."),
    STEP_UP_FORCE_AUTHN("stepUpForceAuthn", "false", Setting::bool,
            "Also set ForceAuthn on step-up requests, for IdPs that only re-authenticate when forced."),
    SINGLE_LOGOUT("singleLogout", "true", Setting::bool,
            "On logout, also sign the user out at the IdP (SP-initiated Single Logout) when its metadata offers a"
                    + " SingleLogoutService, and accept the IdP's own LogoutRequests."),
    LOGOUT_LANDING_PATH("logoutLandingPath", null, Setting::localPath,
            "Where a user lands after logout. Default: Portcullis's own signed-out page (a protected page would"
                    + " only start a new sign-in)."),
    INVALIDATE_WEBAPP_SESSIONS("invalidateWebappSessions", "true", Setting::bool,
            "On logout, also end the webapps' own HttpSessions created while the user was signed in (on this"
                    + " node), so that an identity a webapp cached in its session does not outlive the sign-out."),
    DEFAULT_LANDING_PATH("defaultLandingPath", "/", Setting::localPath,
            "Where a user lands after sign-in when there is no original URL (IdP-initiated)."),
    ENDPOINT_PATH("endpointPath", "/sso", Setting::endpointPath,
            "Path prefix of Portcullis's own endpoints: endpointPath/acs (Assertion Consumer Service), /slo (Single"
                    + " Logout), /metadata (SP metadata), /logout (sign-out form), /signed-out and /health (the health"
                    + " check). Portcullis answers every path below it itself."),
    ACS_PATH("acsPath", null, Setting::endpointPath,
            "Path of the Assertion Consumer Service, where the IdP posts its Responses; set it to keep the URL of an SP"
                    + " that Portcullis replaces, such as /Shibboleth.sso/SAML2/POST. Default: endpointPath/acs."),
    SLO_PATH("sloPath", null, Setting::endpointPath,
            "Path of the Single Logout endpoint (the IdP's LogoutRequests and LogoutResponses, HTTP-Redirect and"
                    + " HTTP-POST). Default: endpointPath/slo."),
    METADATA_PATH("metadataPath", null, Setting::endpointPath,
            "Path of the SP metadata, whose URL is also the default spEntityId. Default: endpointPath/metadata."),
    LOGOUT_PATH("logoutPath", null, Setting::endpointPath,
            "Path of the sign-out form that webapps link to. Default: endpointPath/logout."),
    CALLBACK_PATH("callbackPath", null, Setting::endpointPath,
            "With protocol=oidc: path of the redirect URI the provider sends the authorization code to (register"
                    + " externalBaseUrl + this path). Default: endpointPath/callback."),
    BACKCHANNEL_LOGOUT_PATH("backchannelLogoutPath", null, Setting::endpointPath,
            "With protocol=oidc: path where the provider posts back-channel logout tokens (register externalBaseUrl +"
                    + " this path). Default: endpointPath/backchannel-logout."),
    HEALTH_DETAILS_FROM("healthDetailsFrom", "127.0.0.0/8, ::1", AddressRanges::parse,
            "Client addresses (IP literals or ranges such as 10.0.0.0/8, comma separated) to which the health check"
                    + " endpointPath/health gives its reason and figures; anyone else gets only ok or not ok. Empty: nobody."),
    EXPOSE_ATTRIBUTES("exposeAttributes", "false", Setting::bool,
            "Also expose the SAML attributes, NameID and AuthnContextClassRef as request attributes"
                    + " (portcullis.attributes, a map; portcullis.nameId; portcullis.authnContextClassRef), for webapps"
                    + " that cannot use the SamlPrincipal. Costs about 1 us per request."),
    IDENTITY_HEADERS("identityHeaders", "", IdentityHeaderMapping::parse,
            "Request headers for webapps that read the user from a header: Header-Name=source pairs, comma separated;"
                    + " sources principal, nameId, roles, authnContext, attribute:NAME. Incoming headers with these names"
                    + " are always removed first."),
    EHCACHE_CONFIG("ehcacheConfig", null, Setting::path,
            "An ehcache.xml with cache templates portcullis-sessions, portcullis-pending-logins,"
                    + " portcullis-replay and portcullis-session-index. Default: built-in heap caches."),
    LOG_CONFIG("logConfig", null, Setting::path,
            "Log4j 2 configuration for Portcullis's own logs. Default: $CATALINA_BASE/conf/portcullis-log4j2.xml"
                    + " if it exists, else console. Every Portcullis valve of one Tomcat logs through the same"
                    + " configuration: a valve that would use another one than the valves already running refuses to start.");

    private static final Pattern COOKIE_TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final String attribute;
    private final String defaultValue;
    private final BiFunction<String, String, Object> parser;
    private final String description;

    Setting(String attribute, String defaultValue, BiFunction<String, String, Object> parser, String description) {
        this.attribute = attribute;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.description = description;
    }

    /** The attribute name in {@code server.xml}. */
    public String attribute() {
        return attribute;
    }

    /** The default as written in {@code server.xml}, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Whether the value is a secret: shown only as {@code ********} (set) or nothing (not set), never logged. */
    public boolean secret() {
        return this == SP_KEYSTORE_PASSWORD || this == OIDC_CLIENT_SECRET;
    }

    /** How a value set (or null: not set) may be shown: itself, or masked for a secret. */
    public String shown(String text) {
        if (secret()) {
            return text == null || text.isEmpty() ? null : "********";
        }
        return text;
    }

    /** Parses a value of this setting; throws a {@link ConfigurationException} naming it. */
    public Object parse(String text) {
        return parser.apply(attribute, text);
    }

    /** Finds a setting by its attribute name, case-sensitively as Tomcat matches setters. */
    public static Optional<Setting> forAttribute(String attribute) {
        return Arrays.stream(values()).filter(s -> s.attribute.equals(attribute)).findFirst();
    }

    /** The closest attribute name to a mistyped one, for the error message. */
    public static Optional<String> suggest(String attribute) {
        String lower = attribute.toLowerCase(Locale.ROOT);
        Setting best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting setting : values()) {
            int distance = distance(lower, setting.attribute.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = setting;
                bestDistance = distance;
            }
        }
        return bestDistance <= 3 ? Optional.of(best.attribute) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ---------------------------------------------------------------- parsers

    private static String nonBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(name, "must not be empty (leave the attribute out for the default).");
        }
        return value.trim();
    }

    private static String protocol(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("saml") && !v.equals("oidc")) {
            throw new ConfigurationException(name, "'" + value + "' is neither saml nor oidc.");
        }
        return v;
    }

    private static String clientAuthentication(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!List.of("client_secret_basic", "client_secret_post", "private_key_jwt").contains(v)) {
            throw new ConfigurationException(name, "'" + value + "' is none of client_secret_basic, client_secret_post,"
                    + " private_key_jwt.");
        }
        return v;
    }

    private static List<String> scopes(String name, String value) {
        List<String> scopes = value == null ? List.of()
                : Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isEmpty()).distinct().toList();
        // OpenID Connect Core 1.0 section 3.1.2.1: without the openid scope the request is plain OAuth 2.0, and no
        // ID token (the only proof of who signed in) comes back.
        if (!scopes.contains("openid")) {
            throw new ConfigurationException(name, "'" + value + "' must contain openid (OpenID Connect Core 1.0 3.1.2.1).");
        }
        return scopes;
    }

    /**
     * The issuer identifier: an https URL without query or fragment (OpenID Connect Discovery 1.0 section 2), plain
     * http only on this machine, like idpMetadata, since the discovery document names the keys that sign ID tokens.
     */
    private static java.net.URI issuer(String name, String value) {
        String issuer = nonBlank(name, value);
        java.net.URI uri;
        try {
            uri = java.net.URI.create(issuer);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(name, "'" + issuer + "' is not a URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigurationException(name, "'" + issuer + "' must be an https:// URL with a host.");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new ConfigurationException(name, "'" + issuer + "' must have no query or fragment (OpenID Connect"
                    + " Discovery 1.0 section 2).");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            // The discovery document names the JWKS whose keys sign ID tokens: fetched over plain HTTP from another
            // machine, anyone on the path could substitute their keys and sign in as anyone.
            throw new ConfigurationException(name, "'" + issuer + "' must use https:// (plain http:// is accepted only"
                    + " from this machine: localhost, 127.x.y.z or [::1], since the provider's metadata names the keys"
                    + " Portcullis trusts).");
        }
        return uri;
    }

    private static Path path(String name, String value) {
        try {
            return Path.of(nonBlank(name, value));
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigurationException(name, "'" + value + "' is not a file path.");
        }
    }

    private static Object metadataLocation(String name, String value) {
        String location = nonBlank(name, value);
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://") || lower.startsWith("http://")) {
            java.net.URI uri;
            try {
                uri = java.net.URI.create(location);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(name, "'" + location + "' is not a URL.");
            }
            if (uri.getHost() == null) {
                throw new ConfigurationException(name, "'" + location + "' has no host.");
            }
            if (lower.startsWith("http://") && !isLoopback(uri.getHost())) {
                // Metadata carries the keys we trust; fetched over plain HTTP from another machine, anyone on
                // the path could substitute their own key and sign assertions for any user.
                throw new ConfigurationException(name, "'" + location + "' must use https:// (plain http:// is"
                        + " accepted only from this machine: localhost, 127.x.y.z or [::1], since metadata carries the keys"
                        + " Portcullis trusts).");
            }
            return uri;
        }
        if (lower.startsWith("file:")) {
            return Path.of(java.net.URI.create(location));
        }
        return path(name, location);
    }

    /**
     * Whether plain-http metadata may come from this host: {@code localhost}, an IPv4 literal in 127.0.0.0/8
     * (127.0.0.1 and the rest of the loopback block), or {@code [::1]}. A name that merely starts with "127."
     * (127.attacker.example) is a DNS name like any other, resolved by whoever answers, and does not count.
     */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || LOOPBACK_V4.matcher(h).matches() || h.equals("[::1]") || h.equals("::1");
    }

    private static List<String> list(String name, String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static Boolean bool(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return Boolean.TRUE;
        } else if (v.equals("false")) {
            return Boolean.FALSE;
        }
        throw new ConfigurationException(name, "'" + value + "' is neither true nor false.");
    }

    private static java.time.Duration positiveDuration(String name, String value) {
        java.time.Duration duration = Durations.parse(name, value);
        if (duration.isZero()) {
            throw new ConfigurationException(name, "must be longer than zero.");
        }
        return duration;
    }

    private static java.time.Duration boundedDuration(String name, String value) {
        java.time.Duration duration = Durations.parse(name, value);
        if (duration.compareTo(java.time.Duration.ofMinutes(10)) > 0) {
            throw new ConfigurationException(name, Durations.format(duration) + " is too long; at most 10m is"
                    + " accepted, since a wide tolerance keeps expired assertions usable.");
        }
        return duration;
    }

    private static Boolean certificateExpiry(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("warn") && !v.equals("refuse")) {
            throw new ConfigurationException(name, "'" + value + "' is neither warn nor refuse.");
        }
        return v.equals("refuse");
    }

    private static String comparison(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!List.of("exact", "minimum", "better", "maximum").contains(v)) {
            throw new ConfigurationException(name, "'" + value + "' is none of exact, minimum, better, maximum.");
        }
        return v;
    }

    private static Integer size(String name, String value) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        java.util.regex.Matcher m = Pattern.compile("(\\d{1,9})\\s*(B|KB|K|MB|M)?").matcher(v);
        if (!m.matches()) {
            throw new ConfigurationException(name, "'" + value + "' is not a size; write for example 256KB or 1MB.");
        }
        long bytes = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        bytes *= switch (unit) {
            case "KB", "K" -> 1024L;
            case "MB", "M" -> 1024L * 1024;
            default -> 1L;
        };
        if (bytes < 4096 || bytes > 16L * 1024 * 1024) {
            throw new ConfigurationException(name, "must be between 4KB and 16MB.");
        }
        return (int) bytes;
    }

    private static String cookieName(String name, String value) {
        String v = nonBlank(name, value);
        if (!COOKIE_TOKEN.matcher(v).matches()) {
            throw new ConfigurationException(name, "'" + value + "' is not a valid cookie name (letters, digits and"
                    + " !#$%&'*+.^_`|~- only).");
        }
        return v;
    }

    private static String localPath(String name, String value) {
        String v = nonBlank(name, value);
        if (!v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\") || v.chars().anyMatch(c -> c < 0x21)) {
            throw new ConfigurationException(name, "'" + value + "' must be a path on this server starting with a single /.");
        }
        return v;
    }

    private static String endpointPath(String name, String value) {
        String v = nonBlank(name, value);
        // Matched as exact strings against Tomcat's normalized path, so a "." or ".." segment (which
        // browsers and Tomcat remove) would publish a URL that never reaches the endpoint.
        if (!SAFE_PATH.matcher(v).matches() || (v + "/").contains("/./") || (v + "/").contains("/../")) {
            throw new ConfigurationException(name, "'" + value + "' must look like /sso or /Shibboleth.sso/SAML2/POST:"
                    + " segments of letters, digits, '.', '_', '~' or '-', no trailing slash.");
        }
        return v;
    }
}
