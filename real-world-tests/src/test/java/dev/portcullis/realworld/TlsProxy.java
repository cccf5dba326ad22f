package dev.portcullis.realworld;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * nginx terminating TLS on a free loopback port in front of a Tomcat port, started by
 * {@code scripts/tls-proxy.sh} with a self-signed certificate for localhost made for this run.
 */
final class TlsProxy implements AutoCloseable {

    private final Script script;
    private final String baseUrl;
    private final Path certificate;

    private TlsProxy(Script script, String baseUrl, Path certificate) {
        this.script = script;
        this.baseUrl = baseUrl;
        this.certificate = certificate;
    }

    static TlsProxy start(int upstreamPort) {
        Script script = Script.of("tls-proxy.sh", Map.of("PORTCULLIS_PROXY_UPSTREAM_PORT", Integer.toString(upstreamPort)));
        script.run(Duration.ofSeconds(60), "stop");
        Script.Output output = script.run(Duration.ofMinutes(3), "start");
        return new TlsProxy(script, output.required("TLS proxy:"), Path.of(output.required("Certificate:")));
    }

    /** Such as https://localhost:12345, the externalBaseUrl. */
    String baseUrl() {
        return baseUrl;
    }

    /** The proxy's certificate (PEM), the only one {@link HttpsClient} trusts. */
    Path certificate() {
        return certificate;
    }

    @Override
    public void close() {
        script.run(Duration.ofSeconds(60), "stop");
    }
}
