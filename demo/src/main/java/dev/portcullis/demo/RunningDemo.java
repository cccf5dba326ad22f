package dev.portcullis.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

/**
 * The demo's two servers: the development IdP, and Tomcat with the Portcullis valve in its Host
 * pipeline in front of the sample webapp at {@code /sample}. {@link #start} wires them;
 * {@link #close()} stops both.
 */
public final class RunningDemo implements AutoCloseable {

    /** Both servers listen on loopback only: the IdP signs in anyone who knows a demo password. */
    static final String ADDRESS = "127.0.0.1";

    private final DevIdp idp;
    private final Tomcat tomcat;
    private final String baseUrl;
    private boolean closed;

    private RunningDemo(DevIdp idp, Tomcat tomcat, String baseUrl) {
        this.idp = idp;
        this.tomcat = tomcat;
        this.baseUrl = baseUrl;
    }

    /**
     * Generates fresh keys, starts the IdP, then Tomcat (whose valve fetches the IdP's metadata as it
     * starts).
     *
     * @throws DemoStartException with a one-line message, such as for a port in use
     */
    public static RunningDemo start(DemoOptions options) {
        if (!Files.isRegularFile(options.war())) {
            throw new DemoStartException("the sample webapp is missing at " + options.war()
                    + "; build it first: mvn -B -DskipTests package -pl sample-webapp,demo -am");
        }
        String baseUrl = "http://localhost:" + options.port();
        String idpBaseUrl = "http://localhost:" + options.idpPort();
        Path tomcatBase = options.workDir().resolve("tomcat");
        // Before the work directory is recreated: a second demo started by mistake must not touch the first's files.
        requireFree(options.idpPort(), "the development IdP", "--idp-port");
        requireFree(options.port(), "Tomcat", "--port");
        DemoKeys keys;
        try {
            deleteRecursively(options.workDir());
            keys = DemoKeys.generate(options.workDir());
            Files.createDirectories(tomcatBase.resolve("webapps"));
        } catch (IOException e) {
            throw new DemoStartException("cannot prepare the work directory " + options.workDir() + ": " + e.getMessage());
        }

        DevIdp idp;
        try {
            idp = DevIdp.start(DevIdpConfig.builder()
                    .baseUrl(idpBaseUrl)
                    .port(options.idpPort())
                    .address(ADDRESS)
                    .credentials(keys.idp())
                    // The valve's defaults for a Host-level valve at this externalBaseUrl.
                    .serviceProvider(baseUrl + "/sso/metadata", baseUrl + "/sso/acs")
                    .spCertificate(keys.sp().certificate())
                    .users(DevUser.demoUsers())
                    .baseDir(options.workDir().resolve("idp"))
                    .build());
        } catch (IllegalStateException e) {
            throw DemoStartException.of("the development IdP", options.idpPort(), "--idp-port", e);
        }

        Tomcat tomcat = new Tomcat();
        try {
            tomcat.setBaseDir(tomcatBase.toString());
            tomcat.getEngine().setName("portcullis-demo");
            Connector connector = tomcat.getConnector();
            connector.setPort(options.port());
            connector.setProperty("address", ADDRESS);
            connector.setThrowOnFailure(true);
            tomcat.getHost().setAutoDeploy(false);

            // Configured only through its String setters, exactly as these server.xml attributes would:
            // <Valve className="dev.portcullis.SsoValve" externalBaseUrl="http://localhost:8080" ... />
            SsoValve valve = new SsoValve();
            valve.setProperty("externalBaseUrl", baseUrl);
            valve.setProperty("idpMetadata", idp.metadataUrl());
            valve.setProperty("spPrivateKey", keys.spKeyFile().toString());
            valve.setProperty("spCertificate", keys.spCertificateFile().toString());
            valve.setProperty("roleAttributes", "roles");
            valve.setProperty("excludedPaths", "/sample/public/*");
            tomcat.getHost().getPipeline().addValve(valve);

            WebappDefaults.deploy(tomcat, "/sample", options.war().toString());
            Context root = tomcat.addContext("", null);
            Tomcat.addServlet(root, "to-sample", new ToSample());
            root.addServletMappingDecoded("/", "to-sample");

            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            stopQuietly(tomcat);
            idp.close();
            throw DemoStartException.of("Tomcat", options.port(), "--port", e);
        }
        return new RunningDemo(idp, tomcat, baseUrl);
    }

    /** Such as http://localhost:8080. */
    public String baseUrl() {
        return baseUrl;
    }

    public DevIdp idp() {
        return idp;
    }

    /** Stops Tomcat, then the IdP; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(tomcat);
        idp.close();
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
