package dev.portcullis.devidp;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;


import org.apache.catalina.LifecycleException;

import dev.portcullis.testkit.IdpMetadataWriter;

/**
 * The Portcullis development IdP: a small SAML 2.0 identity provider for demos and tests only, never
 * for production. It runs in its own embedded Tomcat (own port, own base directory), serves one
 * service provider, signs in its configured users with a username and password, and answers with a
 * signed Response built by the test kit. A sign-in starts an IdP session (in memory, named by a cookie),
 * so that the next AuthnRequest from that browser is answered without the password; Single Logout
 * ends it, SP- or IdP-initiated.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><td>{@code GET /}</td><td>what this is; the users</td></tr>
 *   <tr><td>{@code GET /metadata}</td><td>IdP metadata: signing certificate, SingleSignOnService for both bindings,
 *       SingleLogoutService for both bindings (when the SP certificate is configured)</td></tr>
 *   <tr><td>{@code GET /sso}</td><td>AuthnRequest, HTTP-Redirect binding</td></tr>
 *   <tr><td>{@code POST /sso}</td><td>AuthnRequest, HTTP-POST binding</td></tr>
 *   <tr><td>{@code POST /login}</td><td>the login form: wrong credentials show it again; right ones post the Response to the ACS</td></tr>
 *   <tr><td>{@code GET /initiate}</td><td>IdP-initiated login: the Response has no InResponseTo and no RelayState</td></tr>
 *   <tr><td>{@code GET /slo}, {@code POST /slo}</td><td>the SP's LogoutRequest (answered with a signed LogoutResponse,
 *       HTTP-Redirect), or its LogoutResponse to an IdP-initiated logout</td></tr>
 *   <tr><td>{@code GET /logout?user=NAME}</td><td>IdP-initiated logout, for demos and tests: ends the user's IdP
 *       sessions and sends the browser to the SP with a signed LogoutRequest</td></tr>
 * </table>
 *
 * <pre>{@code
 * try (DevIdp idp = DevIdp.start(DevIdpConfig.builder()
 *         .serviceProvider("http://localhost:8080/sso/metadata", "http://localhost:8080/sso/acs")
 *         .spCertificate(sp.certificate())
 *         .build())) {
 *     String metadataUrl = idp.metadataUrl();
 *     ...
 * }
 * }</pre>
 *
 * <p>A running instance is immutable; {@link #close()} stops it and removes its temporary directory.
 */
public final class DevIdp implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DevIdp.class.getName());

    private final DevServer server;
    private final int port;
    private final String baseUrl;
    private final String entityId;
    private boolean closed;

    private DevIdp(DevServer server, int port, String baseUrl, String entityId) {
        this.server = server;
        this.port = port;
        this.baseUrl = baseUrl;
        this.entityId = entityId;
    }

    /**
     * Starts an IdP and returns it once it accepts connections.
     *
     * @throws IllegalStateException when it cannot start, such as when the port is in use (the cause
     *                               chain then holds a {@link java.net.BindException})
     */
    public static DevIdp start(DevIdpConfig config) {
        DevServer server = null;
        try {
            server = DevServer.bind("devidp", "the development IdP", config.baseDir(), config.port(), config.address());
            int port = server.port();
            String baseUrl = config.baseUrl().orElse("http://localhost:" + port);
            String entityId = config.entityId().orElse(baseUrl + "/metadata");
            String ssoUrl = baseUrl + "/sso";
            String sloUrl = baseUrl + "/slo";

            IdpMetadataWriter metadataWriter = new IdpMetadataWriter(entityId)
                    .signingCertificate(config.credentials())
                    .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, ssoUrl)
                    .singleSignOnService(IdpMetadataWriter.POST_BINDING, ssoUrl)
                    .wantAuthnRequestsSigned(config.spCertificate().isPresent());
            if (config.spCertificate().isPresent()) {
                // Only then can the SP's logout messages be verified; without it, Single Logout is not offered.
                metadataWriter.singleLogoutService(IdpMetadataWriter.REDIRECT_BINDING, sloUrl)
                        .singleLogoutService(IdpMetadataWriter.POST_BINDING, sloUrl);
            }
            String metadata = metadataWriter.toString();
            AuthnRequestReader reader = new AuthnRequestReader(config.spEntityId(), config.acsUrl(), ssoUrl,
                    config.spCertificate().orElse(null));
            IdpSessions sessions = new IdpSessions(config.clock());
            SessionCookie cookie = new SessionCookie(baseUrl.startsWith("https:"));
            LoginFlow flow = new LoginFlow(config, new ResponseIssuer(entityId, config), sessions, cookie);
            SingleLogout logout = new SingleLogout(config, sessions, cookie,
                    new LogoutMessageReader(config.spEntityId(), sloUrl, config.spCertificate().orElse(null), config.clock()),
                    new LogoutIssuer(entityId, config));

            server.add("home", new IdpServlets.Home(entityId, config.users().values(), sessions, cookie), "/");
            server.add("metadata", new IdpServlets.Metadata(metadata), "/metadata");
            server.add("sso", new IdpServlets.Sso(reader, flow), "/sso");
            server.add("login", new IdpServlets.Login(flow), "/login");
            server.add("initiate", new IdpServlets.Initiate(flow), "/initiate");
            server.add("slo", new IdpServlets.Slo(logout), "/slo");
            server.add("logout", new IdpServlets.Logout(logout), "/logout");

            server.start();
            LOG.log(System.Logger.Level.INFO, "Portcullis development IdP (demos and tests only) at [{0}], entityID [{1}],"
                    + " serving SP [{2}]", baseUrl, entityId, config.spEntityId());
            return new DevIdp(server, port, baseUrl, entityId);
        } catch (LifecycleException | IOException | RuntimeException e) {
            if (server != null) {
                server.stop();
            }
            throw new IllegalStateException("the development IdP cannot start on port " + config.port() + ": "
                    + e.getMessage(), e);
        }
    }


    /** The port it listens on (the one picked when the configuration said 0). */
    public int port() {
        return port;
    }

    /** Such as http://localhost:8081, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    public String entityId() {
        return entityId;
    }

    public String metadataUrl() {
        return baseUrl + "/metadata";
    }

    /** Where AuthnRequests go, for both bindings. */
    public String ssoUrl() {
        return baseUrl + "/sso";
    }

    /** Starts an IdP-initiated login. */
    public String initiateUrl() {
        return baseUrl + "/initiate";
    }

    /** Where the SP's logout messages go, for both bindings. */
    public String sloUrl() {
        return baseUrl + "/slo";
    }

    /** Starts an IdP-initiated logout of this user (for demos and tests). */
    public String logoutUrl(String username) {
        return baseUrl + "/logout?user=" + URLEncoder.encode(username, StandardCharsets.UTF_8);
    }

    /** Same as {@link #close()}. */
    public void stop() {
        close();
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
