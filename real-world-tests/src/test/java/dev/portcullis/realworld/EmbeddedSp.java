package dev.portcullis.realworld;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;

import dev.portcullis.SsoValve;
import dev.portcullis.demo.WebappDefaults;

/**
 * An embedded Tomcat 11 on 127.0.0.1 with the Portcullis valve (from the shaded JAR) in its Host in
 * front of the sample webapp, deployed twice ({@code /sample} and {@code /second}, so that a test can
 * check that one sign-in or sign-out serves both), configured the way docs/REAL-IDPS.md says for the
 * test IdPs: the IdP's metadata URL, the SP key pair, {@code roleAttributes="roles"}. The valve logs
 * with the shipped conf/log4j2.xml into this Tomcat's own {@code logs/} folder ({@link #log}).
 *
 * <p>A recording valve in front of Portcullis keeps every request to {@code /sso/slo} and Portcullis's
 * answer ({@link #sloExchanges()}): Single Logout messages an IdP sends server to server never pass
 * through a browser the test could watch.
 */
final class EmbeddedSp implements Sp {

    /**
     * One request to {@code /sso/slo} and the answer.
     *
     * @param method       GET or POST
     * @param samlRequest  the SAMLRequest parameter (query or form), or null
     * @param samlResponse the SAMLResponse parameter, or null
     * @param userAgent    the User-Agent header, or null
     * @param status       the HTTP status Portcullis answered
     * @param location     its Location header, or null
     */
    record SloExchange(String method, String samlRequest, String samlResponse, String userAgent, int status,
                       String location) {
    }

    private final Tomcat tomcat;
    private final String baseUrl;
    private final Path base;
    private final List<SloExchange> sloExchanges;
    private final List<BackChannelExchange> backChannel;

    private EmbeddedSp(Tomcat tomcat, String baseUrl, Path base, List<SloExchange> sloExchanges,
                       List<BackChannelExchange> backChannel) {
        this.tomcat = tomcat;
        this.baseUrl = baseUrl;
        this.base = base;
        this.sloExchanges = sloExchanges;
        this.backChannel = backChannel;
    }

    /** Starts on the shared SP port with the shared key pair (see {@link RealWorld#spPort()}). */
    static EmbeddedSp start(String idpMetadataUrl, Consumer<SsoValve> options) {
        return start(RealWorld.spPort(), SpKeys.shared(), idpMetadataUrl, options);
    }

    /**
     * Starts on {@code port} ({@code http://localhost:<port>} is the external base URL); {@code options}
     * may change the valve's settings before it starts.
     */
    static EmbeddedSp start(int port, SpKeys keys, String idpMetadataUrl, Consumer<SsoValve> options) {
        return start(port, valve -> {
            valve.setProperty("idpMetadata", idpMetadataUrl);
            valve.setProperty("spPrivateKey", keys.privateKey().toString());
            valve.setProperty("spCertificate", keys.certificate().toString());
            valve.setProperty("roleAttributes", "roles");
            options.accept(valve);
        });
    }

    /**
     * Starts on the shared SP port with {@code protocol="oidc"}: no SAML setting, only what {@code oidc} sets
     * (the provider's issuer and the client); the valve JAR and the OIDC add-on JAR are both on this JVM's
     * class path, as both are in {@code $CATALINA_BASE/lib} for an operator.
     */
    static EmbeddedSp startOidc(Consumer<SsoValve> oidc) {
        return start(RealWorld.spPort(), valve -> {
            valve.setProperty("protocol", "oidc");
            oidc.accept(valve);
        });
    }

    private static EmbeddedSp start(int port, Consumer<SsoValve> settings) {
        SsoValve valve = new SsoValve();
        String baseUrl = "http://localhost:" + port;
        valve.setProperty("externalBaseUrl", baseUrl);
        // The shipped logging configuration: portcullis.log and portcullis-audit.log under ${catalina.base}/logs,
        // which embedded Tomcat sets to this server's base folder.
        valve.setProperty("logConfig", RealWorld.root().resolve("conf/log4j2.xml").toString());
        settings.accept(valve);

        Tomcat tomcat = new Tomcat();
        Path base;
        try {
            base = Files.createTempDirectory("portcullis-real-world-sp");
            Files.createDirectories(base.resolve("webapps"));
            tomcat.setBaseDir(base.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getConnector().setThrowOnFailure(true);
        tomcat.getHost().setAutoDeploy(false);
        WebappDefaults.deploy(tomcat, "/sample", RealWorld.sampleWar().toString());
        WebappDefaults.deploy(tomcat, "/second", RealWorld.sampleWar().toString());
        List<SloExchange> sloExchanges = java.util.Collections.synchronizedList(new ArrayList<>());
        List<BackChannelExchange> backChannel = java.util.Collections.synchronizedList(new ArrayList<>());
        tomcat.getHost().getPipeline().addValve(new SloRecorder(sloExchanges));
        tomcat.getHost().getPipeline().addValve(new BackChannelRecorder(backChannel));
        tomcat.getHost().getPipeline().addValve(valve);
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("the embedded Tomcat with the valve did not start", e);
        }
        if (valve.getState() != org.apache.catalina.LifecycleState.STARTED) {
            stopQuietly(tomcat);
            throw new IllegalStateException("the valve did not start (state " + valve.getState() + "); see the log above");
        }
        return new EmbeddedSp(tomcat, baseUrl, base, sloExchanges, backChannel);
    }

    /**
     * One POST to {@code /sso/backchannel-logout} (OpenID Connect Back-Channel Logout 1.0) and the answer.
     *
     * @param contentType  the request's Content-Type
     * @param logoutToken  the logout_token form parameter, or null
     * @param userAgent    the User-Agent header, or null
     * @param status       the HTTP status Portcullis answered
     * @param cacheControl its Cache-Control header, or null
     */
    record BackChannelExchange(String method, String contentType, String logoutToken, String userAgent, int status,
                               String cacheControl) {
    }

    @Override
    public String url(String path) {
        return baseUrl + path;
    }

    @Override
    public String acsUrl() {
        return baseUrl + "/sso/acs";
    }

    @Override
    public String sloUrl() {
        return baseUrl + "/sso/slo";
    }

    /** The text of a file in this Tomcat's logs/ folder (portcullis.log, portcullis-audit.log), or "". */
    @Override
    public String log(String name) {
        Path file = base.resolve("logs").resolve(name);
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every request to /sso/slo so far, in order. */
    List<SloExchange> sloExchanges() {
        synchronized (sloExchanges) {
            return List.copyOf(sloExchanges);
        }
    }

    /**
     * The first request to /sso/slo after the {@code seen} ones, waiting up to ten seconds for it (an
     * IdP's back-channel message may arrive after the call that caused it returned); fails when none, or
     * more than one, arrives.
     */
    SloExchange nextSloExchange(int seen) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        while (sloExchanges().size() <= seen && java.time.Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<SloExchange> exchanges = sloExchanges();
        if (exchanges.size() != seen + 1) {
            throw new AssertionError("expected one new request to /sso/slo within 10 s, saw "
                    + exchanges.subList(Math.min(seen, exchanges.size()), exchanges.size()));
        }
        return exchanges.get(seen);
    }

    /**
     * The first request to /sso/backchannel-logout after the {@code seen} ones, waiting up to ten seconds for
     * it (Keycloak may post it after the call that caused it returned); fails when none, or more than one,
     * arrives.
     */
    BackChannelExchange nextBackChannelExchange(int seen) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        while (backChannelExchanges().size() <= seen && java.time.Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<BackChannelExchange> exchanges = backChannelExchanges();
        if (exchanges.size() != seen + 1) {
            throw new AssertionError("expected one new request to /sso/backchannel-logout within 10 s, saw "
                    + exchanges.subList(Math.min(seen, exchanges.size()), exchanges.size()));
        }
        return exchanges.get(seen);
    }

    /**
     * Waits until no request to /sso/backchannel-logout has arrived for one second (at most ten seconds), so that
     * logout tokens an earlier step caused are all in before a test counts the next ones.
     */
    void awaitQuietBackChannel() {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        int count = -1;
        while (backChannelExchanges().size() != count && java.time.Instant.now().isBefore(deadline)) {
            count = backChannelExchanges().size();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every request to /sso/backchannel-logout so far, in order. */
    List<BackChannelExchange> backChannelExchanges() {
        synchronized (backChannel) {
            return List.copyOf(backChannel);
        }
    }

    @Override
    public void close() {
        stopQuietly(tomcat);
    }

    private static void stopQuietly(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("cannot stop the embedded Tomcat", e);
        }
    }

    /** Keeps each request to /sso/slo and what the next valves answered. */
    private static final class SloRecorder extends ValveBase {

        private final List<SloExchange> exchanges;

        SloRecorder(List<SloExchange> exchanges) {
            super(true);
            this.exchanges = exchanges;
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
            if (!"/sso/slo".equals(request.getDecodedRequestURI())) {
                getNext().invoke(request, response);
                return;
            }
            // Reading the parameters here parses the form body once; Tomcat keeps the result for Portcullis.
            String samlRequest = request.getParameter("SAMLRequest");
            String samlResponse = request.getParameter("SAMLResponse");
            try {
                getNext().invoke(request, response);
            } finally {
                exchanges.add(new SloExchange(request.getMethod(), samlRequest, samlResponse, request.getHeader("User-Agent"),
                        response.getStatus(), response.getHeader("Location")));
            }
        }
    }

    /** Keeps each request to /sso/backchannel-logout and what the next valves answered. */
    private static final class BackChannelRecorder extends ValveBase {

        private final List<BackChannelExchange> exchanges;

        BackChannelRecorder(List<BackChannelExchange> exchanges) {
            super(true);
            this.exchanges = exchanges;
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
            if (!"/sso/backchannel-logout".equals(request.getDecodedRequestURI())) {
                getNext().invoke(request, response);
                return;
            }
            String logoutToken = request.getParameter("logout_token");
            try {
                getNext().invoke(request, response);
            } finally {
                exchanges.add(new BackChannelExchange(request.getMethod(), request.getContentType(), logoutToken,
                        request.getHeader("User-Agent"), response.getStatus(), response.getHeader("Cache-Control")));
            }
        }
    }
}
