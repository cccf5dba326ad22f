package dev.portcullis;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.authenticator.NonLoginAuthenticator;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.SecurityCollection;
import org.apache.tomcat.util.descriptor.web.SecurityConstraint;

import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.web.SamlPrincipal;

/**
 * A real embedded Tomcat for valve tests: two webapps on one Host ({@code /app} with an
 * {@code /admin/*} constraint for role {@code admin}, and {@code /other}), each answering with what
 * the servlet API tells it about the user, and throwaway IdP/SP keys and IdP metadata on disk.
 */
final class EmbeddedTomcat implements AutoCloseable {

    static final String IDP_ENTITY = "https://idp.example.org/metadata";
    static final String IDP_SSO = "https://idp.example.org/sso";
    static final String IDP_SLO = "https://idp.example.org/slo";

    final Path dir;
    final int port;
    final Tomcat tomcat;
    final TestCredentials idpKey;
    final TestCredentials spKey;
    final Path idpMetadata;
    final Path spKeyFile;
    final Path spCertFile;

    EmbeddedTomcat(TestCredentials idpKey, TestCredentials spKey) throws IOException {
        this(idpKey, spKey, false);
    }

    /** @param singleLogout whether the IdP metadata offers SingleLogoutService (HTTP-Redirect) */
    EmbeddedTomcat(TestCredentials idpKey, TestCredentials spKey, boolean singleLogout) throws IOException {
        this.dir = Files.createTempDirectory("portcullis-tomcat");
        this.port = freePort();
        this.idpKey = idpKey;
        this.spKey = spKey;
        this.idpMetadata = dir.resolve("idp-metadata.xml");
        IdpMetadataWriter metadata = new IdpMetadataWriter(IDP_ENTITY).signingCertificate(idpKey)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, IDP_SSO);
        if (singleLogout) {
            metadata.singleLogoutService(IdpMetadataWriter.REDIRECT_BINDING, IDP_SLO);
        }
        Files.writeString(idpMetadata, metadata.toString());
        this.spKeyFile = dir.resolve("sp.key");
        this.spCertFile = dir.resolve("sp.crt");
        spKey.writePem(spKeyFile, spCertFile);

        tomcat = new Tomcat();
        tomcat.setBaseDir(dir.toString());
        tomcat.setPort(port);
        tomcat.getConnector();
        tomcat.getHost().setAutoDeploy(false);
        addApp("/app", true);
        addApp("/other", false);
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** A valve with the settings every test needs; tests add or change settings before {@link #start}. */
    SsoValve valve() {
        SsoValve valve = new SsoValve();
        valve.setProperty("externalBaseUrl", "http://localhost:" + port);
        valve.setProperty("idpMetadata", idpMetadata.toString());
        valve.setProperty("spPrivateKey", spKeyFile.toString());
        valve.setProperty("spCertificate", spCertFile.toString());
        valve.setProperty("roleAttributes", "roles");
        valve.setProperty("excludedPaths", "/app/public/*");
        return valve;
    }

    void start(SsoValve hostValve) throws LifecycleException {
        tomcat.getHost().getPipeline().addValve(hostValve);
        tomcat.start();
    }

    private void addApp(String path, boolean constrained) throws IOException {
        if (constrained) {
            addApp(path, "/admin/*", "admin", "user");
        } else {
            addApp(path, null);
        }
    }

    /**
     * Adds a webapp (before {@link #start}) answering like the others, whose web.xml would require
     * {@code roles[0]} for {@code constrainedPattern} (none when null) and declare every role in
     * {@code roles}, as Tomcat's Manager does with manager-gui for {@code /html/*}.
     */
    Context addApp(String path, String constrainedPattern, String... roles) throws IOException {
        File docBase = Files.createDirectories(dir.resolve("docbase" + path)).toFile();
        Context context = tomcat.addContext(path, docBase.getAbsolutePath());
        Tomcat.addServlet(context, "identity", new IdentityServlet());
        context.addServletMappingDecoded("/", "identity");
        if (constrainedPattern != null) {
            SecurityConstraint constraint = new SecurityConstraint();
            constraint.addAuthRole(roles[0]);
            constraint.setAuthConstraint(true);
            SecurityCollection collection = new SecurityCollection();
            collection.addPatternDecoded(constrainedPattern);
            constraint.addCollection(collection);
            context.addConstraint(constraint);
            for (String role : roles) {
                context.addSecurityRole(role);
            }
            // What ContextConfig installs for a web.xml with constraints but no <login-config>.
            context.getPipeline().addValve(new NonLoginAuthenticator());
        }
        return context;
    }

    @Override
    public void close() throws Exception {
        if (tomcat.getServer().getState() == org.apache.catalina.LifecycleState.DESTROYED) {
            return;
        }
        try {
            tomcat.stop();
        } finally {
            tomcat.destroy();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Answers with what the servlet API says about the user, one {@code key=value} per line. */
    static final class IdentityServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getParameter("session") != null) {
                request.getSession(true).setAttribute("cachedUser", request.getRemoteUser());
            }
            response.setContentType("text/plain;charset=UTF-8");
            PrintWriter out = response.getWriter();
            out.println("path=" + request.getRequestURI());
            out.println("user=" + request.getRemoteUser());
            out.println("principal=" + (request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName()));
            out.println("authType=" + request.getAuthType());
            out.println("admin=" + request.isUserInRole("admin"));
            out.println("userRole=" + request.isUserInRole("user"));
            if (request.getUserPrincipal() instanceof SamlPrincipal saml) {
                new TreeMap<>(saml.getAttributes()).forEach((k, v) -> out.println("principal.attr." + k + "=" + v));
                out.println("principal.nameId=" + saml.getNameId());
                out.println("principal.idp=" + saml.getIdpEntityId());
            }
            Object attributes = request.getAttribute("portcullis.attributes");
            if (attributes instanceof Map<?, ?> map) {
                new TreeMap<>(map).forEach((k, v) -> out.println("attr." + k + "=" + v));
            }
            List<String> names = Collections.list(request.getAttributeNames());
            out.println("portcullisRequestAttributes=" + names.stream().filter(n -> n.startsWith("portcullis.")).sorted().toList());
            jakarta.servlet.http.HttpSession own = request.getSession(false);
            out.println("webappSession=" + (own == null ? "none" : own.getAttribute("cachedUser")));
            for (String header : List.of("X-Remote-User", "X_Remote_User", "X-Roles", "X-Mail")) {
                out.println("header." + header + "=" + Collections.list(request.getHeaders(header)));
            }
        }
    }
}
