package dev.portcullis.devoidc;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


import org.apache.catalina.LifecycleException;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.portcullis.devidp.DevServer;
import dev.portcullis.devidp.DevUser;
import dev.portcullis.devidp.SessionCookie;

/**
 * The Portcullis development OpenID Connect provider: the OIDC counterpart of the development SAML IdP
 * ({@link dev.portcullis.devidp.DevIdp}), for demos and tests only, never for production. It runs in its
 * own embedded Tomcat, serves one client (registered in {@link DevOidcConfig}), signs in the same demo
 * users with the same plain login page, and issues RS256 ID tokens through the authorization code flow
 * with PKCE S256 required. The issuer is its base URL.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /}</td><td>what this is; the users, each with a "sign out everywhere" button</td></tr>
 *   <tr><td>{@code GET /.well-known/openid-configuration}</td><td>the discovery document (OpenID Connect Discovery 1.0 section 3)</td></tr>
 *   <tr><td>{@code GET /jwks}</td><td>the public signing key</td></tr>
 *   <tr><td>{@code GET|POST /authorize}</td><td>the authorization request: {@link AuthorizationRequests} lists its checks</td></tr>
 *   <tr><td>{@code POST /login}</td><td>the login form</td></tr>
 *   <tr><td>{@code POST /token}</td><td>the code exchange: {@link TokenEndpoint} lists its checks</td></tr>
 *   <tr><td>{@code GET|POST /userinfo}</td><td>the user's claims for a Bearer access token</td></tr>
 *   <tr><td>{@code GET|POST /end_session}</td><td>RP-initiated logout: {@link EndSessionEndpoint}</td></tr>
 *   <tr><td>{@code POST /signout-everywhere}</td><td>ends a user's sessions here and posts logout tokens to the
 *       client's back-channel logout URI: {@link BackchannelLogout}</td></tr>
 * </table>
 *
 * <p>A running instance is immutable; {@link #close()} stops it and removes its temporary directory.
 */
public final class DevOidcProvider implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DevOidcProvider.class.getName());
    /** The provider's session cookie; differs from the SAML IdP's, since browsers share cookies between ports. */
    public static final String COOKIE = "PORTCULLIS_DEVOIDC";

    private final DevServer server;
    private final int port;
    private final String issuer;
    private final BackchannelLogout backchannelLogout;
    private final Map<String, DevUser> users;
    private boolean closed;

    private DevOidcProvider(DevServer server, int port, String issuer, BackchannelLogout backchannelLogout,
                            Map<String, DevUser> users) {
        this.server = server;
        this.port = port;
        this.issuer = issuer;
        this.backchannelLogout = backchannelLogout;
        this.users = users;
    }

    /**
     * Starts a provider and returns it once it accepts connections.
     *
     * @throws IllegalStateException when it cannot start, such as when the port is in use (the cause chain
     *                               then holds a {@link java.net.BindException})
     */
    public static DevOidcProvider start(DevOidcConfig config) {
        DevServer server = null;
        try {
            server = DevServer.bind("devoidc", "the development OIDC provider", config.baseDir(), config.port(), config.address());
            int port = server.port();
            String issuer = config.baseUrl().orElse("http://localhost:" + port);

            TokenSigner signer = new TokenSigner(config.signingKey(), issuer, config.clientId(), config.tokenLifetime());
            ExpiringStore<OpSession> sessions = new ExpiringStore<>(config.clock(), AuthorizationEndpoint.SESSION_LIFETIME,
                    AuthorizationEndpoint.MAX_ENTRIES, "sessions");
            ExpiringStore<CodeGrant> codes = new ExpiringStore<>(config.clock(), config.codeLifetime(),
                    AuthorizationEndpoint.MAX_ENTRIES, "authorization codes");
            ExpiringStore<Map<String, Object>> accessTokens = new ExpiringStore<>(config.clock(), config.tokenLifetime(),
                    AuthorizationEndpoint.MAX_ENTRIES, "access tokens");
            SessionCookie cookie = new SessionCookie(COOKIE, issuer.startsWith("https:"));
            AuthorizationEndpoint authorization = new AuthorizationEndpoint(config, issuer, sessions, codes, cookie);
            BackchannelLogout backchannelLogout = new BackchannelLogout(config, sessions, signer);

            server.add("home", new OidcServlets.Home(issuer, config, sessions, cookie), "/");
            server.add("discovery", new OidcServlets.Document(discovery(issuer)), "/.well-known/openid-configuration");
            server.add("jwks", new OidcServlets.Document(signer.jwks()), "/jwks");
            server.add("authorize", new OidcServlets.Authorize(authorization), "/authorize");
            server.add("login", new OidcServlets.Login(authorization), "/login");
            server.add("token", new OidcServlets.Token(new TokenEndpoint(config, codes, accessTokens, signer)), "/token");
            server.add("userinfo", new OidcServlets.UserInfo(accessTokens), "/userinfo");
            server.add("end-session", new OidcServlets.EndSession(new EndSessionEndpoint(config, signer, sessions, cookie)),
                    "/end_session");
            server.add("signout-everywhere", new OidcServlets.SignOutEverywhere(backchannelLogout, config.users()),
                    "/signout-everywhere");

            server.start();
            LOG.log(System.Logger.Level.INFO, "Portcullis development OIDC provider (demos and tests only) at [{0}],"
                    + " serving client [{1}] with redirect URI [{2}]", issuer, config.clientId(), config.redirectUri());
            return new DevOidcProvider(server, port, issuer, backchannelLogout, config.users());
        } catch (LifecycleException | IOException | RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            throw new IllegalStateException("the development OIDC provider cannot start on port " + config.port() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The discovery document (OpenID Connect Discovery 1.0 section 3); its issuer is exactly {@code issuer}. */
    private static String discovery(String issuer) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("authorization_endpoint", issuer + "/authorize");
        document.put("token_endpoint", issuer + "/token");
        document.put("userinfo_endpoint", issuer + "/userinfo");
        document.put("jwks_uri", issuer + "/jwks");
        document.put("end_session_endpoint", issuer + "/end_session");
        document.put("response_types_supported", List.of("code"));
        document.put("response_modes_supported", List.of("query"));
        document.put("grant_types_supported", List.of("authorization_code"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("scopes_supported", List.of("openid", "profile", "email"));
        document.put("claims_supported", List.of("iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "acr", "sid",
                "preferred_username", "name", "email", "roles"));
        document.put("prompt_values_supported", List.of("none", "login"));
        document.put("authorization_response_iss_parameter_supported", true);
        document.put("backchannel_logout_supported", true);
        document.put("backchannel_logout_session_supported", true);
        document.put("request_parameter_supported", false);
        document.put("request_uri_parameter_supported", false);
        return JSONObjectUtils.toJSONString(document);
    }


    /** The port it listens on (the one picked when the configuration said 0). */
    public int port() {
        return port;
    }

    /** The issuer, which is also the base URL, such as http://localhost:8082, without a trailing slash. */
    public String issuer() {
        return issuer;
    }

    public String discoveryUrl() {
        return issuer + "/.well-known/openid-configuration";
    }

    public String authorizationEndpoint() {
        return issuer + "/authorize";
    }

    public String tokenEndpoint() {
        return issuer + "/token";
    }

    public String jwksUri() {
        return issuer + "/jwks";
    }

    public String endSessionEndpoint() {
        return issuer + "/end_session";
    }

    /**
     * What the home page's "sign out everywhere" button does, for tests: ends the user's sessions here and
     * posts logout tokens to the client's back-channel logout URI.
     *
     * @return the HTTP status the client answered each logout token with (0: not reached); empty when no
     *         back-channel logout URI is registered
     * @throws IllegalArgumentException for an unknown user
     */
    public List<Integer> signOutEverywhere(String username) {
        DevUser user = users.get(username);
        if (user == null) {
            throw new IllegalArgumentException("no user " + username);
        }
        return backchannelLogout.signOut(user).deliveries().stream().map(BackchannelLogout.Delivery::status).toList();
    }

    /** Stops the server and removes its temporary directory; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop();
    }
}
