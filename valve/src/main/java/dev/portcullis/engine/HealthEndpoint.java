package dev.portcullis.engine;

import java.io.IOException;
import java.util.Map;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;

import dev.portcullis.config.AddressRanges;
import dev.portcullis.web.ResponseWriter;

/**
 * {@code GET endpointPath/health} for load balancers and orchestrators: 200 {@code ok} when this node
 * can serve sign-ins (the state store answers, the IdP metadata verifies messages), else 503
 * {@code not ok}. Only a client whose address is in {@code healthDetailsFrom} (by default this machine)
 * also reads the reason code and the figures behind it; anyone else learns nothing more than the status
 * code says, since the reason and figures (certificate expiry, metadata timing) help an attacker time
 * an attack (the same reason Shibboleth SP's Status handler has an ACL). The address is Tomcat's
 * {@code getRemoteAddr()}: behind a proxy, only what RemoteIpValve made of it. Nothing here changes
 * state, so no lever hides behind it. Answers are {@code no-store} ({@link ResponseWriter}).
 */
final class HealthEndpoint {

    private final Operations operations;
    private final AddressRanges detailsFrom;
    private final ResponseWriter writer;

    HealthEndpoint(Operations operations, AddressRanges detailsFrom, ResponseWriter writer) {
        this.operations = operations;
        this.detailsFrom = detailsFrom;
        this.writer = writer;
    }

    void serve(Request request, Response response, String path) throws IOException {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            writer.methodNotAllowed(response, "GET, HEAD", "The health check answers GET only.");
            return;
        }
        Operations.Health health = operations.health();
        int status = health.ok() ? 200 : 503;
        if (!detailsFrom.contains(request.getRemoteAddr())) {
            writer.status(response, status, health.ok() ? "ok\n" : "not ok\n");
            return;
        }
        StringBuilder body = new StringBuilder(256).append(health.ok() ? "ok" : "not ok").append('\n')
                .append("reason: ").append(health.reason()).append('\n');
        for (Map.Entry<String, String> figure : health.figures().entrySet()) {
            body.append(figure.getKey()).append(": ").append(figure.getValue()).append('\n');
        }
        writer.status(response, status, body.toString());
    }
}
