package dev.portcullis.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import dev.portcullis.SsoValve;
import dev.portcullis.devidp.DevIdp;
import dev.portcullis.devidp.DevIdpConfig;
import dev.portcullis.devidp.DevUser;
import dev.portcullis.devoidc.DevOidcConfig;
import dev.portcullis.devoidc.DevOidcProvider;

/**
 * The demo's two servers: the development IdP (SAML) or the development OIDC provider, and Tomcat with
 * the Portcullis valve in its Host pipeline in front of the sample webapp at {@code /sample}.
 * {@link #start} wires them; {@link #close()} stops both.
 */
public final class RunningDemo implements AutoCloseable {

    /** Both servers listen on loopback only: the IdP or provider signs in anyone who knows a demo password. */
    static final String ADDRESS = "127.0.0.1";

    /** The client id the valve is registered under at the development OIDC provider. */
    static final String OIDC_CLIENT_ID = "portcullis-demo";

    private final DevIdp idp;
    private final DevOidcProvider oidcProvider;
    private final Tomcat tomcat;
    private final String baseUrl;
    private boolean closed;

    private RunningDemo(DevIdp idp, DevOidcProvider oidcProvider, Tomcat tomcat, String baseUrl) {
        this.idp = idp;
        this.oidcProvider = oidcProvider;
        this.tomcat = tomcat;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts the demo the options ask for: {@link #startSaml SAML} or {@link #startOidc OpenID Connect}.
     *
     * @throws DemoStartException with a one-line message, such as for a port in use
     */
    public static RunningDemo start(DemoOptions options) {
        return options.oidc() ? startOidc(options) : startSaml(options);
    }

    /**
     * Generates fresh keys, starts the development IdP, then Tomcat (whose valve fetches the IdP's metadata
     * as it starts).
     */
    private static RunningDemo startSaml(DemoOptions options) {
        Paths paths = prepare(options, "the development IdP");
        DemoKeys keys;
        try {
            keys = DemoKeys.generate(options.workDir());
        } catch (IOException e) {
            throw new DemoStartException("cannot prepare the work directory " + options.workDir() + ": " + e.getMessage());
        }

        DevIdp idp;
        try {
            idp = DevIdp.start(DevIdpConfig.builder()
                    .baseUrl(paths.idpBaseUrl())
                    .port(options.idpPort())
                    .address(ADDRESS)
                    .credentials(keys.idp())
                    // The valve's defaults for a Host-level valve at this externalBaseUrl.
                    .serviceProvider(paths.baseUrl() + "/sso/metadata", paths.baseUrl() + "/sso/acs")
                    .spCertificate(keys.sp().certificate())
                    .users(DevUser.demoUsers())
                    .baseDir(options.workDir().resolve("idp"))
                    .build());
        } catch (IllegalStateException e) {
            throw DemoStartException.of("the development IdP", options.idpPort(), "--idp-port", e);
        }

        // Exactly these server.xml attributes:
        // <Valve className="dev.portcullis.SsoValve" externalBaseUrl="http://localhost:8080" ... />
        Map<String, String> valveSettings = new LinkedHashMap<>();
        valveSettings.put("externalBaseUrl", paths.baseUrl());
        valveSettings.put("idpMetadata", idp.metadataUrl());
        valveSettings.put("spPrivateKey", keys.spKeyFile().toString());
        valveSettings.put("spCertificate", keys.spCertificateFile().toString());
        valveSettings.put("roleAttributes", "roles");
        valveSettings.put("excludedPaths", "/sample/public/*");
        Tomcat tomcat = startTomcat(options, paths, valveSettings, idp);
        return new RunningDemo(idp, null, tomcat, paths.baseUrl());
    }

    /**
     * Starts the development OIDC provider with the valve registered as its one client (a fresh random
     * client secret on every start), then Tomcat with the valve set to {@code protocol="oidc"} (the
     * {@code portcullis-oidc} add-on JAR must be on the class path, as it would be in Tomcat's lib/).
     */
    private static RunningDemo startOidc(DemoOptions options) {
        Paths paths = prepare(options, "the development OIDC provider");
        byte[] secretBytes = new byte[32];
        new SecureRandom().nextBytes(secretBytes);
        String clientSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);

        DevOidcProvider provider;
        try {
            provider = DevOidcProvider.start(DevOidcConfig.builder()
                    .baseUrl(paths.idpBaseUrl())
                    .port(options.idpPort())
                    .address(ADDRESS)
                    // The valve's defaults for a Host-level valve at this externalBaseUrl.
                    .client(OIDC_CLIENT_ID, clientSecret, paths.baseUrl() + "/sso/callback")
                    .postLogoutRedirectUri(paths.baseUrl() + "/sso/signed-out")
                    .backchannelLogoutUri(paths.baseUrl() + "/sso/backchannel-logout")
                    .users(DevUser.demoUsers())
                    .baseDir(options.workDir().resolve("oidc-provider"))
                    .build());
        } catch (IllegalStateException e) {
            throw DemoStartException.of("the development OIDC provider", options.idpPort(), "--idp-port", e);
        }

        // Exactly these server.xml attributes:
        // <Valve className="dev.portcullis.SsoValve" protocol="oidc" oidcIssuer="http://localhost:8081" ... />
        Map<String, String> valveSettings = new LinkedHashMap<>();
        valveSettings.put("externalBaseUrl", paths.baseUrl());
        valveSettings.put("protocol", "oidc");
        valveSettings.put("oidcIssuer", provider.issuer());
        valveSettings.put("oidcClientId", OIDC_CLIENT_ID);
        valveSettings.put("oidcClientSecret", clientSecret);
        valveSettings.put("principalAttribute", "preferred_username");
        valveSettings.put("roleAttributes", "roles");
        valveSettings.put("excludedPaths", "/sample/public/*");
        Tomcat tomcat = startTomcat(options, paths, valveSettings, provider);
        return new RunningDemo(null, provider, tomcat, paths.baseUrl());
    }

    private record Paths(String baseUrl, String idpBaseUrl, Path tomcatBase) {
    }

    /** Checks the WAR and both ports, then recreates the work directory. */
    private static Paths prepare(DemoOptions options, String identityProvider) {
        if (!Files.isRegularFile(options.war())) {
            throw new DemoStartException("the sample webapp is missing at " + options.war()
                    + "; build it first: mvn -B -DskipTests package -pl sample-webapp,demo -am");
        }
        Paths paths = new Paths("http://localhost:" + options.port(), "http://localhost:" + options.idpPort(),
                options.workDir().resolve("tomcat"));
        // Before the work directory is recreated: a second demo started by mistake must not touch the first's files.
        requireFree(options.idpPort(), identityProvider, "--idp-port");
        requireFree(options.port(), "Tomcat", "--port");
        try {
            deleteRecursively(options.workDir());
            Files.createDirectories(paths.tomcatBase().resolve("webapps"));
        } catch (IOException e) {
            throw new DemoStartException("cannot prepare the work directory " + options.workDir() + ": " + e.getMessage());
        }
        return paths;
    }

    /** Tomcat with the valve in its Host, configured only through its String setters, and the sample; closes {@code provider} when it fails. */
    private static Tomcat startTomcat(DemoOptions options, Paths paths, Map<String, String> valveSettings,
                                     AutoCloseable provider) {
        Tomcat tomcat = new Tomcat();
        try {
            tomcat.setBaseDir(paths.tomcatBase().toString());
            tomcat.getEngine().setName("portcullis-demo");
            Connector connector = tomcat.getConnector();
            connector.setPort(options.port());
            connector.setProperty("address", ADDRESS);
            connector.setThrowOnFailure(true);
            tomcat.getHost().setAutoDeploy(false);

            SsoValve valve = new SsoValve();
            valveSettings.forEach(valve::setProperty);
            tomcat.getHost().getPipeline().addValve(valve);

            WebappDefaults.deploy(tomcat, "/sample", options.war().toString());
            Context root = tomcat.addContext("", null);
            Tomcat.addServlet(root, "to-sample", new ToSample());
            root.addServletMappingDecoded("/", "to-sample");

            tomcat.start();
            return tomcat;
        } catch (LifecycleException | RuntimeException e) {
            stopQuietly(tomcat);
            closeQuietly(provider);
            throw DemoStartException.of("Tomcat", options.port(), "--port", e);
        }
    }

    /** Such as http://localhost:8080. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * The development IdP of a SAML demo.
     *
     * @throws IllegalStateException in an OIDC demo
     */
    public DevIdp idp() {
        if (idp == null) {
            throw new IllegalStateException("this demo runs OpenID Connect: it has no SAML IdP");
        }
        return idp;
    }

    /**
     * The development OIDC provider of an OIDC demo.
     *
     * @throws IllegalStateException in a SAML demo
     */
    public DevOidcProvider oidcProvider() {
        if (oidcProvider == null) {
            throw new IllegalStateException("this demo runs SAML: it has no OIDC provider");
        }
        return oidcProvider;
    }

    /** Stops Tomcat, then the IdP or OIDC provider; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(tomcat);
        closeQuietly(idp != null ? idp : oidcProvider);
    }

    private static void closeQuietly(AutoCloseable provider) {
        try {
            provider.close();
        } catch (Exception e) {
            System.err.println("demo: the identity provider did not stop cleanly: " + e);
        }
    }

    private static void requireFree(int port, String server, String option) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(ADDRESS, port));
        } catch (IOException e) {
            throw DemoStartException.of(server, port, option, e);
        }
    }

    private static void stopQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException | RuntimeException e) {
            System.err.println("demo: Tomcat did not stop cleanly: " + e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The ROOT webapp: {@code /} leads to the sample; anything else is not found. */
    static final class ToSample extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if ("/".equals(request.getServletPath())) {
                response.sendRedirect("/sample/");
            } else {
                response.sendError(404);
            }
        }
    }
}
