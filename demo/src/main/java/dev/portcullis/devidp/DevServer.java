package dev.portcullis.devidp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServlet;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * The embedded Tomcat a development server (the SAML IdP, the OIDC provider) runs in: bound to one address,
 * its port known before its URLs are made, one root Context for its servlets, and its temporary base
 * directory removed when it stops. What differs between the servers is only which servlets they add.
 */
public final class DevServer {

    private static final System.Logger LOG = System.getLogger(DevServer.class.getName());

    private final String description;
    private final Tomcat tomcat;
    private final Path temporaryBaseDir;
    private final Context context;

    private DevServer(String description, Tomcat tomcat, Path temporaryBaseDir, Context context) {
        this.description = description;
        this.tomcat = tomcat;
        this.temporaryBaseDir = temporaryBaseDir;
        this.context = context;
    }

    /**
     * Binds the port (port 0 picks one, see {@link #port()}) without serving anything yet.
     *
     * @param name        a short name for the engine's JMX domain and the temporary directory
     * @param description what the server is, for log lines ("the development IdP")
     * @param baseDir     the base directory, or empty for a temporary one removed at {@link #stop()}
     * @throws LifecycleException when the port cannot be bound (the cause chain then holds a BindException)
     */
    public static DevServer bind(String name, String description, Optional<Path> baseDir, int port, String address)
            throws IOException, LifecycleException {
        Path temporary = baseDir.isPresent() ? null : Files.createTempDirectory("portcullis-" + name + "-");
        Tomcat tomcat = new Tomcat();
        DevServer server = null;
        try {
            tomcat.setBaseDir(baseDir.orElse(temporary).toAbsolutePath().toString());
            // Its own JMX domain, so that it can run beside another embedded Tomcat in the same JVM.
            tomcat.getEngine().setName("portcullis-" + name + "-" + HexFormat.of().toHexDigits(new SecureRandom().nextInt()));
            tomcat.getHost().setAutoDeploy(false);
            Connector connector = tomcat.getConnector();
            connector.setPort(port);
            connector.setProperty("address", address);
            connector.setThrowOnFailure(true);
            Context context = tomcat.addContext("", null);
            context.setRequestCharacterEncoding("UTF-8");
            context.setResponseCharacterEncoding("UTF-8");
            server = new DevServer(description, tomcat, temporary, context);
            // init() binds the port, so that port 0 is resolved before the URLs are.
            tomcat.init();
            return server;
        } catch (LifecycleException | RuntimeException e) {
            if (server != null) {
                server.stop();
            } else {
                deleteRecursively(temporary);
            }
            throw e;
        }
    }

    /** The port it listens on (the one picked when it was bound with 0). */
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** Maps {@code servlet} to {@code pattern} in the root Context. */
    public void add(String name, HttpServlet servlet, String pattern) {
        Tomcat.addServlet(context, name, servlet);
        context.addServletMappingDecoded(pattern, name);
    }

    /** Starts serving. */
    public void start() throws LifecycleException {
        tomcat.start();
    }

    /** Stops the server and removes its temporary directory. */
    public void stop() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0} did not stop cleanly: {1}", description, e.toString());
        }
        deleteRecursively(temporaryBaseDir);
    }

    private static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Cannot remove [{0}]: {1}", directory, e.toString());
        }
    }
}
