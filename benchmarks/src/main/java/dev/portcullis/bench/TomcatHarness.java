package dev.portcullis.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.w3c.dom.Document;

import dev.portcullis.SsoValve;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.RedirectBinding;
import dev.portcullis.testkit.SamlResponseBuilder;
import dev.portcullis.testkit.TestCredentials;
import dev.portcullis.testkit.Xml;
import dev.portcullis.testkit.XmlSigning;

/**
 * Embedded Tomcat 11 on 127.0.0.1 serving one trivial servlet ({@code /app/*} answers "ok"), with or
 * without {@code SsoValve} in the Host pipeline, for scripts/benchmarks.sh.
 * <ul>
 *   <li>{@code serve valve|plain PORT}: starts, and for {@code valve} signs in once through the real ACS
 *       (the AuthnRequest the valve sends, answered by a Response signed with the IdP key whose metadata
 *       the valve read from a file), then prints {@code cookie=PORTCULLIS=...} and {@code ready}, and
 *       serves until killed. {@code /app/public/*} is an excluded path. System properties
 *       {@code portcullis.bench.ehcacheConfig} and {@code portcullis.bench.logConfig} set those valve
 *       attributes, {@code portcullis.bench.set.NAME} any valve attribute NAME, {@code portcullis.bench.spKey}
 *       the SP key (rsa2048, rsa3072, ec256, ec384).</li>
 *   <li>{@code signins BASE_URL IDP_KEY IDP_CERT SECONDS THREADS}: a client for scripts/bench/cluster.sh, run in
 *       its own JVM: whole sign-ins against a {@code serve valve} server (its navigation, the AuthnRequest,
 *       a Response signed with the IdP key that server printed as {@code idpKey=} / {@code idpCert=}, the
 *       ACS), in THREADS threads for SECONDS; prints {@code signins=N failures=F seconds=S}.</li>
 *   <li>{@code startup valve|plain}: prints how long {@code Tomcat.start()} took, in milliseconds, in this
 *       fresh JVM; for {@code valve} the timed part also creates and configures the valve (its class
 *       initialisation included), with IdP metadata from a file. Then stops.</li>
 *   <li>{@code idp-metadata FILE}: writes IdP metadata (a throwaway signing key, {@value #IDP_SSO} as its
 *       SSO endpoint) to FILE, for scripts/bench/stock-startup.sh, whose stock Tomcats read it from there.</li>
 * </ul>
 * The IdP and SP keys are throwaway ones made at start.
 */
public final class TomcatHarness {

    static final String IDP_SSO = "https://idp.example.org/sso";
    private static final String SET_PREFIX = "portcullis.bench.set.";

    private TomcatHarness() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if ("idp-metadata".equals(mode)) {
            writeIdpMetadata(Path.of(args[1]));
            return;
        }
        switch (mode) {
            case "serve" -> serve("valve".equals(args[1]), Integer.parseInt(args[2]));
            case "startup" -> startup("valve".equals(args[1]));
            case "signins" -> signIns(args[1], readCredentials(Path.of(args[2]), Path.of(args[3])),
                    java.time.Duration.parse("PT" + args[4] + "S"), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("mode: serve | startup | signins | idp-metadata");
        }
    }

    static void writeIdpMetadata(Path file) throws IOException {
        Files.writeString(file, new IdpMetadataWriter(Fixtures.IDP).signingCertificate(TestCredentials.rsa("idp.example.org"))
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, IDP_SSO).toString());
    }

    /** Keys, metadata and the Tomcat instance, not yet started. */
    private record Setup(Tomcat tomcat, Path dir, TestCredentials idpKey, Path metadata, Path spKey, Path spCert) {
    }

    private static Setup prepare(int port) throws IOException {
        Path dir = Files.createTempDirectory("portcullis-bench-tomcat");
        TestCredentials idpKey = TestCredentials.rsa("idp.example.org");
        TestCredentials spKey = spKey(System.getProperty("portcullis.bench.spKey", "rsa2048"));
        Path metadata = dir.resolve("idp-metadata.xml");
        Files.writeString(metadata, new IdpMetadataWriter(Fixtures.IDP).signingCertificate(idpKey)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, IDP_SSO).toString());
        Path spKeyFile = dir.resolve("sp.key");
        Path spCertFile = dir.resolve("sp.crt");
        spKey.writePem(spKeyFile, spCertFile);

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        File docBase = Files.createDirectories(dir.resolve("docbase")).toFile();
        Context context = tomcat.addContext("/app", docBase.getAbsolutePath());
        Tomcat.addServlet(context, "ok", new OkServlet());
        context.addServletMappingDecoded("/", "ok");
        return new Setup(tomcat, dir, idpKey, metadata, spKeyFile, spCertFile);
    }

    /** The SP key kind: rsa2048 (default), rsa3072 (what the README's openssl command makes), ec256, ec384. */
    private static TestCredentials spKey(String kind) {
        return switch (kind) {
            case "rsa2048" -> TestCredentials.rsa("sp.example.com");
            case "rsa3072" -> TestCredentials.rsa("sp.example.com", 3072);
            case "ec256" -> TestCredentials.ec("sp.example.com", "secp256r1");
            case "ec384" -> TestCredentials.ec("sp.example.com", "secp384r1");
            default -> throw new IllegalArgumentException("portcullis.bench.spKey: rsa2048 | rsa3072 | ec256 | ec384");
        };
    }

    private static SsoValve valve(Setup setup, int port) {
        SsoValve valve = new SsoValve();
        valve.setProperty("externalBaseUrl", "http://127.0.0.1:" + port);
        valve.setProperty("idpMetadata", setup.metadata().toString());
        valve.setProperty("spPrivateKey", setup.spKey().toString());
        valve.setProperty("spCertificate", setup.spCert().toString());
        valve.setProperty("roleAttributes", "roles");
        valve.setProperty("excludedPaths", "/app/public/*");
        // For the JAR-coverage run: the operator's ehcache.xml and log4j2.xml from conf/.
        String ehcache = System.getProperty("portcullis.bench.ehcacheConfig");
        if (ehcache != null) {
            valve.setProperty("ehcacheConfig", ehcache);
        }
        String log = System.getProperty("portcullis.bench.logConfig");
        if (log != null) {
            valve.setProperty("logConfig", log);
        }
        // To measure what exposing the SAML attributes as request attributes costs.
        String expose = System.getProperty("portcullis.bench.exposeAttributes");
        if (expose != null) {
            valve.setProperty("exposeAttributes", expose);
        }
        // Any other valve attribute, as Tomcat sets one from server.xml: -Dportcullis.bench.set.NAME=VALUE.
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(SET_PREFIX)) {
                valve.setProperty(name.substring(SET_PREFIX.length()), System.getProperty(name));
            }
        }
        return valve;
    }

    static void serve(boolean withValve, int port) throws Exception {
        Setup setup = prepare(port);
        Tomcat tomcat = setup.tomcat();
        if (withValve) {
            tomcat.getHost().getPipeline().addValve(valve(setup, port));
        }
        tomcat.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }));
        if (withValve) {
            System.out.println("cookie=PORTCULLIS=" + signIn(setup.idpKey(), "http://127.0.0.1:" + port));
            Path key = setup.dir().resolve("idp.key");
            Path certificate = setup.dir().resolve("idp.crt");
            setup.idpKey().writePem(key, certificate);
            System.out.println("idpKey=" + key);
            System.out.println("idpCert=" + certificate);
        }
        System.out.println("ready port=" + port);
        System.out.flush();
        tomcat.getServer().await();
    }

    /** Signs in once through the valve's real ACS and returns the session cookie's value. */
    static String signIn(TestCredentials idpKey, String base) {
        Browser browser = new Browser();
        Browser.Page redirect = browser.get(base + "/app/hello");
        if (redirect.status() != 302 || !redirect.location().startsWith(IDP_SSO)) {
            throw new IllegalStateException("expected a redirect to the IdP, got " + redirect.status());
        }
        Map<String, String> query = Browser.query(redirect.location());
        Document request = Xml.parse(RedirectBinding.inflate(query.get("SAMLRequest")));
        String requestId = request.getDocumentElement().getAttribute("ID");
        SamlResponseBuilder builder = SamlResponseBuilder.valid(Instant.now(), Fixtures.IDP, base + "/sso/metadata",
                base + "/sso/acs", requestId, "alice.martin@example.com");
        Fixtures.ATTRIBUTES.forEach((name, values) -> builder.attribute(name, values.toArray(String[]::new)));
        Document response = builder.build();
        XmlSigning.sign(Xml.first(response, SamlConstants.ASSERTION_NS, "Assertion"), idpKey);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("SAMLResponse", Xml.base64(response));
        form.put("RelayState", query.get("RelayState"));
        Browser.Page landing = browser.post(base + "/sso/acs", form);
        String cookie = browser.cookie("127.0.0.1", "PORTCULLIS");
        if (landing.status() != 303 || cookie == null) {
            throw new IllegalStateException("sign-in failed: " + landing.status() + " " + landing.body());
        }
        Browser.Page page = browser.get(base + "/app/hello");
        if (page.status() != 200 || !page.body().startsWith("ok alice.martin@example.com")) {
            throw new IllegalStateException("the session does not work: " + page.status() + " " + page.body());
        }
        return cookie;
    }

    /**
     * Whole sign-ins in a loop, each with a fresh browser, until {@code duration} has passed; prints how many
     * succeeded. What a server does per sign-in (AuthnRequest, pending login, ACS validation, replay and
     * session writes) is what scripts/bench/cluster.sh divides its CPU time by.
     */
    static void signIns(String base, TestCredentials idpKey, java.time.Duration duration, int threads) throws Exception {
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
        long started = System.nanoTime();
        long end = started + duration.toNanos();
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try {
                        signIn(idpKey, base);
                        done.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() == 1) {
                            System.err.println("first failed sign-in: " + e);
                        }
                    }
                }
            });
            workers[i].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.printf("signins=%d failures=%d seconds=%.2f%n", done.get(), failed.get(), (System.nanoTime() - started) / 1e9);
    }

    /** The IdP key and certificate a serving harness wrote (PKCS#8 and X.509 PEM). */
    static TestCredentials readCredentials(Path keyFile, Path certificateFile) throws Exception {
        String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        java.security.PrivateKey key = java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem)));
        try (java.io.InputStream in = Files.newInputStream(certificateFile)) {
            return new TestCredentials(key, (java.security.cert.X509Certificate)
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    static void startup(boolean withValve) throws Exception {
        int port = freePort();
        Setup setup = prepare(port);
        Tomcat tomcat = setup.tomcat();
        long started = System.nanoTime();
        long classReady = started;
        if (withValve) {
            // The valve's class initialisation (its private Log4j context) separately, for the report.
            Class.forName("dev.portcullis.SsoValve", true, TomcatHarness.class.getClassLoader());
            classReady = System.nanoTime();
            tomcat.getHost().getPipeline().addValve(valve(setup, port));
        }
        tomcat.start();
        long elapsed = System.nanoTime() - started;
        System.out.printf("startup_ms=%.1f%n", elapsed / 1e6);
        System.out.printf("valve_class_init_ms=%.1f%n", (classReady - started) / 1e6);
        tomcat.stop();
        tomcat.destroy();
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The trivial webapp: a few bytes of text naming the user, if any. */
    static final class OkServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            PrintWriter out = response.getWriter();
            out.print("ok ");
            out.println(request.getRemoteUser());
        }
    }
}
