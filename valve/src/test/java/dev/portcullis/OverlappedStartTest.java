package dev.portcullis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import jakarta.servlet.ServletException;

import dev.portcullis.testkit.Browser;
import dev.portcullis.testkit.IdpMetadataWriter;
import dev.portcullis.testkit.TestCredentials;

/**
 * The engine is built on a thread of its own while the valve's container goes on starting
 * ({@link dev.portcullis.tomcat.OverlappedStart}): the Host's own start (where Tomcat's HostConfig deploys
 * the webapps of {@code appBase}) runs while the build waits for the IdP metadata, the Host's start ends
 * only once the engine is built, and a request that reaches the valve before then waits for the engine or
 * gets 503, and never reaches the webapp without it. The IdP metadata comes from a URL whose answer this
 * test holds back, so the build is under way exactly as long as the test needs.
 */
class OverlappedStartTest {

    private static final TestCredentials IDP_KEY = TestCredentials.rsa("idp");

    /** Released to let the metadata server answer; it answers anyway after 10 s. */
    private final CountDownLatch answer = new CountDownLatch(1);
    private final CountDownLatch asked = new CountDownLatch(1);
    private final AtomicInteger status = new AtomicInteger(200);
    /** Counted down by a request entering the late Context's pipeline, just before the valve. */
    private final CountDownLatch arrived = new CountDownLatch(1);
    private HttpServer metadataServer;
    private EmbeddedTomcat server;

    @BeforeEach
    void serveMetadata() throws IOException {
        byte[] metadata = new IdpMetadataWriter(EmbeddedTomcat.IDP_ENTITY).signingCertificate(IDP_KEY)
                .singleSignOnService(IdpMetadataWriter.REDIRECT_BINDING, EmbeddedTomcat.IDP_SSO).toString()
                .getBytes(StandardCharsets.UTF_8);
        metadataServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metadataServer.createContext("/metadata", exchange -> {
            asked.countDown();
            try {
                answer.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int code = status.get();
            exchange.sendResponseHeaders(code, code == 200 ? metadata.length : -1);
            if (code == 200) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(metadata);
                }
            }
            exchange.close();
        });
        metadataServer.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        metadataServer.start();
        server = new EmbeddedTomcat(IDP_KEY, TestCredentials.rsa("sp"));
    }

    @AfterEach
    void stop() throws Exception {
        answer.countDown();
        server.close();
        metadataServer.stop(0);
    }

    private String metadataUrl() {
        return "http://127.0.0.1:" + metadataServer.getAddress().getPort() + "/metadata";
    }

    @Test
    void theHostGoesOnStartingWhileTheEngineIsBuiltAndEndsItsStartOnlyOnceItIsBuilt() throws Exception {
        SsoValve valve = server.valve();
        valve.setProperty("idpMetadata", metadataUrl());
        AtomicBoolean builtAtHostStartEvent = new AtomicBoolean(true);
        // START_EVENT is where HostConfig deploys appBase's webapps, after the Host's pipeline (the valve) has started.
        server.tomcat.getHost().addLifecycleListener(event -> {
            if (Lifecycle.START_EVENT.equals(event.getType())) {
                builtAtHostStartEvent.set(valve.engine() != null);
                answer.countDown();
            }
        });

        server.start(valve);

        assertThat(builtAtHostStartEvent).as("the engine was still being built while the Host went on starting").isFalse();
        assertThat(valve.getState()).isEqualTo(LifecycleState.STARTED);
        assertThat(valve.engine()).as("built before the Host's start ended").isNotNull();
        assertThat(new Browser().get(server.url("/app/")).status()).as("protected: sent to the IdP").isEqualTo(302);
    }

    @Test
    void aRequestThatArrivesWhileTheEngineIsBuiltWaitsForItAndIsNeverLetThrough() throws Exception {
        server.tomcat.start();
        SsoValve valve = contextValve();
        CompletableFuture<Void> deployed = CompletableFuture.runAsync(() -> server.tomcat.getHost().addChild(lateContext(valve)));
        assertThat(asked.await(20, TimeUnit.SECONDS)).as("the build asks for the metadata").isTrue();
        CompletableFuture<Browser.Page> early = requestOnceRouted("/late/");

        assertThat(arrived.await(20, TimeUnit.SECONDS)).as("the request reached the Context's pipeline").isTrue();
        Thread.sleep(500);
        assertThat(early).as("waits for the engine").isNotDone();
        answer.countDown();

        assertThat(early.get(30, TimeUnit.SECONDS).status()).as("protected: sent to the IdP, not served").isEqualTo(302);
        deployed.get(30, TimeUnit.SECONDS);
        assertThat(valve.getState()).isEqualTo(LifecycleState.STARTED);
    }

    @Test
    void aRequestThatArrivesWhileABuildFailsGets503AndTheWebappDoesNotStart() throws Exception {
        server.tomcat.start();
        SsoValve valve = contextValve();
        status.set(500);
        Context late = lateContext(valve);
        CompletableFuture<Void> deployed = CompletableFuture.runAsync(() -> server.tomcat.getHost().addChild(late));
        assertThat(asked.await(20, TimeUnit.SECONDS)).as("the build asks for the metadata").isTrue();
        CompletableFuture<Browser.Page> early = requestOnceRouted("/late/");

        assertThat(arrived.await(20, TimeUnit.SECONDS)).as("the request reached the Context's pipeline").isTrue();
        Thread.sleep(500);
        assertThat(early).as("waits for the engine").isNotDone();
        answer.countDown();

        assertThat(early.get(30, TimeUnit.SECONDS).status()).as("refused, not served").isEqualTo(503);
        deployed.handle((ok, failed) -> null).get(30, TimeUnit.SECONDS);
        assertThat(valve.startFailure()).contains("'idpMetadata'").contains("HTTP 500");
        assertThat(valve.getState()).isNotEqualTo(LifecycleState.STARTED);
        assertThat(late.getState()).isNotEqualTo(LifecycleState.STARTED);
    }

    /** A valve for a Context deployed while Tomcat runs (Tomcat's Manager does that), with the held-back metadata. */
    private SsoValve contextValve() {
        SsoValve valve = server.valve();
        valve.setProperty("idpMetadata", metadataUrl());
        return valve;
    }

    private Context lateContext(SsoValve valve) {
        File docBase;
        try {
            docBase = Files.createDirectories(server.dir.resolve("docbase/late")).toFile();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Context context = new org.apache.catalina.core.StandardContext();
        context.setName("/late");
        context.setPath("/late");
        context.setDocBase(docBase.getAbsolutePath());
        context.addLifecycleListener(new Tomcat.FixContextListener());
        Tomcat.addServlet(context, "identity", new EmbeddedTomcat.IdentityServlet());
        context.addServletMappingDecoded("/", "identity");
        context.getPipeline().addValve(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
                arrived.countDown();
                getNext().invoke(request, response);
            }
        });
        context.getPipeline().addValve(valve);
        return context;
    }

    /**
     * Sends one request to {@code path} once Tomcat routes it to the new Context (before then the Host
     * answers 404 itself), and returns it while it is under way.
     */
    private CompletableFuture<Browser.Page> requestOnceRouted(String path) throws InterruptedException {
        Context late = null;
        for (int i = 0; i < 200 && (late == null || late.getState() != LifecycleState.STARTED); i++) {
            late = (Context) server.tomcat.getHost().findChild("/late");
            Thread.sleep(50);
        }
        assertThat(late).isNotNull();
        assertThat(late.getState()).as("the Context has started; the valve's build has not ended").isEqualTo(LifecycleState.STARTED);
        // The Mapper adds a Context on its AFTER_START, before the valve's own listener (added later) waits for the build.
        Thread.sleep(200);
        return CompletableFuture.supplyAsync(() -> new Browser(Duration.ofSeconds(40)).get(server.url(path)));
    }
}
