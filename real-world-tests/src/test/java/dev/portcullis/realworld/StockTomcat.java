package dev.portcullis.realworld;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.portcullis.devidp.DevIdp;
import dev.portcullis.devidp.DevIdpConfig;
import dev.portcullis.devidp.DevUser;

/**
 * A stock Apache Tomcat distribution run by {@code scripts/tomcat-dist.sh}: unpacked from the
 * Maven Central tar.gz, Portcullis installed as docs/INSTALL.md says, started with
 * {@code bin/catalina.sh start}. {@link #close()} stops it.
 */
final class StockTomcat implements Sp {

    private final String version;

    /**
     * A JAR of no interest in {@code lib/}, as an operator's JDBC driver would be; Tomcat's stock skip list
     * does not name it, so it is scanned whenever a webapp starts: the proof that scans are logged.
     */
    static final String SCAN_PROBE = "scan-probe.jar";

    /** StandardJarScanner's debug line for each class path JAR it opens, in Tomcat 9, 10.1 and 11. */
    private static final Pattern CLASS_PATH_SCAN = Pattern.compile("Scanning JAR \\[([^\\]]+)\\] from classpath");

    private final int port;
    private final Map<String, String> environment;
    private final Path base;
    private boolean started;

    private StockTomcat(String version, int port, Map<String, String> environment, Path base) {
        this.version = version;
        this.port = port;
        this.environment = environment;
        this.base = base;
    }

    /** Downloads (cached) and unpacks Tomcat {@code version}, then INSTALL.md steps 1-4. */
    static StockTomcat install(String version, int port) {
        return install(version, port, Map.of());
    }

    /**
     * The same, with more of tomcat-dist.sh's settings (such as PORTCULLIS_TOMCAT_BASE, or
     * PORTCULLIS_CLUSTER_SERVER for step 4's cluster variant). The JAR is the one the README names for
     * this version (the Tomcat 9 JAR for 9.0) unless PORTCULLIS_VALVE_JAR says otherwise.
     */
    static StockTomcat install(String version, int port, Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("PORTCULLIS_TOMCAT_VERSION", version);
        environment.put("PORTCULLIS_TOMCAT_PORT", Integer.toString(port));
        environment.putIfAbsent("PORTCULLIS_VALVE_JAR", RealWorld.valveJarFor(version).toString());
        Script.Output output = Script.of("tomcat-dist.sh", environment).run(Duration.ofMinutes(3), "install");
        return new StockTomcat(version, port, environment, Path.of(output.required("CATALINA_BASE=")));
    }

    /**
     * INSTALL.md steps 5-7: the valve (and, behind a proxy, the RemoteIpValve) in server.xml, the sample
     * WAR at /sample and the clash WAR at /clash (built for this version's Servlet API), then
     * {@code bin/catalina.sh start}; returns once the valve serves its metadata.
     *
     * @param externalBaseUrl null for http://localhost:PORT
     */
    void start(String idpMetadataUrl, String externalBaseUrl, boolean behindProxy) {
        start(idpMetadataUrl, externalBaseUrl, behindProxy, "sample=" + RealWorld.sampleWarFor(version) + " clash="
                + RealWorld.clashWarFor(version));
    }

    /** The same with other WARs: CONTEXT=WAR pairs, space separated (tomcat-dist.sh's PORTCULLIS_WARS). */
    void start(String idpMetadataUrl, String externalBaseUrl, boolean behindProxy, String wars) {
        environment.put("PORTCULLIS_IDP_METADATA", idpMetadataUrl);
        if (externalBaseUrl != null) {
            environment.put("PORTCULLIS_EXTERNAL_BASE_URL", externalBaseUrl);
        }
        environment.put("PORTCULLIS_BEHIND_PROXY", Boolean.toString(behindProxy));
        environment.put("PORTCULLIS_WARS", wars);
        started = true;
        Script.of("tomcat-dist.sh", environment).run(Duration.ofMinutes(3), "start");
    }

    /**
     * The same with {@code protocol="oidc"} (install with PORTCULLIS_PROTOCOL=oidc, so that the OIDC add-on JAR is
     * in {@code lib/} next to the valve JAR): Keycloak's OIDC client instead of IdP metadata, the secret through
     * {@code ${portcullis.oidcClientSecret}} from conf/catalina.properties, as docs/INSTALL.md shows it.
     */
    void startOidc(KeycloakOidc keycloak, String externalBaseUrl, boolean behindProxy) {
        environment.put("PORTCULLIS_OIDC_ISSUER", keycloak.issuer());
        environment.put("PORTCULLIS_OIDC_CLIENT_ID", KeycloakOidc.CLIENT_ID);
        environment.put("PORTCULLIS_OIDC_CLIENT_SECRET", KeycloakAdmin.oidcClientSecret());
        environment.put("PORTCULLIS_PRINCIPAL_ATTRIBUTE", "preferred_username");
        environment.put("PORTCULLIS_ROLE_ATTRIBUTES", "realm_access.roles");
        if (externalBaseUrl != null) {
            environment.put("PORTCULLIS_EXTERNAL_BASE_URL", externalBaseUrl);
        }
        environment.put("PORTCULLIS_BEHIND_PROXY", Boolean.toString(behindProxy));
        environment.put("PORTCULLIS_WARS", "sample=" + RealWorld.sampleWarFor(version) + " clash=" + RealWorld.clashWarFor(version));
        started = true;
        Script.of("tomcat-dist.sh", environment).run(Duration.ofMinutes(3), "start");
    }

    /**
     * {@code bin/catalina.sh start} for a start that is meant to fail (a wrong JAR, an old Java): returns
     * once Tomcat has exited or says it started, without asking for the valve's metadata.
     */
    void startExpectingRefusal(String idpMetadataUrl) {
        environment.put("PORTCULLIS_IDP_METADATA", idpMetadataUrl);
        environment.put("PORTCULLIS_WARS", "sample=" + RealWorld.sampleWarFor(version) + " clash=" + RealWorld.clashWarFor(version));
        environment.put("PORTCULLIS_EXPECT_FAILURE", "true");
        started = true;
        try {
            Script.of("tomcat-dist.sh", environment).run(Duration.ofMinutes(3), "start");
        } finally {
            environment.remove("PORTCULLIS_EXPECT_FAILURE");
        }
    }

    /** Whether bin/catalina.sh's Tomcat is running (tomcat-dist.sh status). */
    boolean running() {
        try {
            Script.of("tomcat-dist.sh", environment).run(Duration.ofSeconds(30), "status");
            return true;
        } catch (IllegalStateException notRunning) {
            return false;
        }
    }

    /** The Tomcat version. */
    String version() {
        return version;
    }

    /**
     * Has Tomcat log every JAR it scans from its class path when a webapp starts (TLDs, web fragments:
     * StandardJarScanner's debug lines, enabled in $CATALINA_BASE/conf/logging.properties) and puts
     * {@link #SCAN_PROBE} into {@code lib/}. Call between install and start; catalina.properties is not
     * touched.
     */
    void logJarScans() {
        try {
            Files.writeString(base.resolve("conf/logging.properties"),
                    "\n# Added by the real-world tests: each JAR scanned when a webapp starts.\n"
                            + "org.apache.tomcat.util.scan.level = FINE\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(base.resolve("lib").resolve(SCAN_PROBE)),
                    manifest)) {
                jar.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file names of the class path JAR files (lib/, bin/) Tomcat scanned for TLDs or web fragments, as
     * {@link #logJarScans()} made it log them in catalina.out.
     */
    Set<String> jarsScannedFromClassPath() {
        Set<String> names = new TreeSet<>();
        Matcher scan = CLASS_PATH_SCAN.matcher(log("catalina.out"));
        while (scan.find()) {
            // Tomcat also lists what is not a JAR file here: lib/ itself (a directory URL) and, on Java 9 and
            // newer, the JDK's modules (jrt:/java.base, ...); only JAR files can be Portcullis's.
            String url = scan.group(1);
            if (url.startsWith("file:") && url.endsWith(".jar")) {
                names.add(url.substring(url.lastIndexOf('/') + 1));
            }
        }
        return names;
    }

    /** The URL Tomcat itself answers on (not through any proxy). */
    String directUrl(String path) {
        return "http://localhost:" + port + path;
    }

    @Override
    public String url(String path) {
        return directUrl(path);
    }

    /** The SP's Single Logout URL as the IdP knows it. */
    @Override
    public String sloUrl() {
        return directUrl("/sso/slo");
    }

    /** The SP's ACS URL as the IdP knows it (no proxy in front). */
    @Override
    public String acsUrl() {
        return directUrl("/sso/acs");
    }

    /**
     * The development IdP (in this JVM) for this Tomcat's SP: it trusts the certificate INSTALL.md step 2
     * made and knows alice and bob. The caller closes it.
     */
    DevIdp startDevIdp() {
        return DevIdp.start(DevIdpConfig.builder()
                .serviceProvider(directUrl("/sso/metadata"), acsUrl())
                .spCertificate(spCertificate())
                .users(users())
                .build());
    }

    /**
     * The demo users, and two whose IdP groups meet Tomcat's own administrative roles: {@code mallory}, whose
     * groups are named like them (manager-gui, admin-gui), and {@code oscar}, in a group the operator may map
     * to one ({@code tomcat-operators}).
     */
    static java.util.List<DevUser> users() {
        java.util.List<DevUser> users = new java.util.ArrayList<>(DevUser.demoUsers());
        users.add(DevUser.of("mallory", "mallory", "mallory@example.com", "Mallory Example", "user", "manager-gui",
                "admin-gui"));
        users.add(DevUser.of("oscar", "oscar", "oscar@example.com", "Oscar Example", "tomcat-operators"));
        return users;
    }

    /** The CATALINA_BASE. */
    Path base() {
        return base;
    }

    int port() {
        return port;
    }

    /** The SP certificate INSTALL.md step 2 made, for the IdP. */
    Path spCertificateFile() {
        return base.resolve("conf/portcullis-sp.crt");
    }

    X509Certificate spCertificate() {
        try (InputStream in = Files.newInputStream(spCertificateFile())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no certificate in " + spCertificateFile(), e);
        }
    }

    /** The text of a file in $CATALINA_BASE/logs, or "" when it does not exist. */
    @Override
    public String log(String name) {
        Path file = base.resolve("logs").resolve(name);
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every Tomcat log of the day (catalina.*.log, localhost.*.log) and catalina.out, concatenated. */
    String tomcatLogs() {
        StringBuilder all = new StringBuilder(log("catalina.out"));
        try (var files = Files.list(base.resolve("logs"))) {
            files.filter(f -> f.getFileName().toString().matches("(catalina|localhost)\\..*\\.log"))
                    .sorted()
                    .forEach(f -> all.append(log(f.getFileName().toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    /** Stops Tomcat with {@code bin/catalina.sh stop}; harmless when it is not running. */
    @Override
    public void close() {
        if (started) {
            Script.of("tomcat-dist.sh", environment).run(Duration.ofMinutes(1), "stop");
            started = false;
        }
    }
}
