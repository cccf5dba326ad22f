package dev.portcullis.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;

import dev.portcullis.web.ResponseWriter;

/**
 * Portcullis's own endpoints by path (below the context path), as the assembly lists them: each path
 * names exactly one endpoint (the settings refuse two on one path), and any other path below
 * {@code endpointPath} is answered with 404 by Portcullis rather than passed to a webapp. Paths are
 * compared as exact strings, the normalized and decoded path Tomcat's mapper used. Filled while the
 * engine is assembled, read-only afterwards.
 */
final class Endpoints {

    /** One of Portcullis's own endpoints. */
    @FunctionalInterface
    interface Endpoint {
        void serve(Request request, Response response, String path) throws IOException;
    }

    private final String prefix;
    private final StartupChecks origins;
    private final Endpoint notFound;
    private final List<String> paths = new ArrayList<>(5);
    private final List<Endpoint> endpoints = new ArrayList<>(5);

    /** @param prefix {@code endpointPath}: every path below it is Portcullis's */
    Endpoints(String prefix, StartupChecks origins, ResponseWriter writer) {
        this.prefix = prefix;
        this.origins = origins;
        this.notFound = checked((request, response, path) -> writer.page(response, 404, "Not found",
                "There is no Portcullis endpoint at this address."));
    }

    /** Adds an endpoint at {@code path}; during assembly only. */
    Endpoints add(String path, Endpoint endpoint) {
        if (paths.contains(path)) {
            // The settings refuse this already (EndpointPaths); never hand a message to the wrong endpoint.
            throw new IllegalStateException("two endpoints on " + path);
        }
        paths.add(path);
        endpoints.add(checked(endpoint));
        return this;
    }

    /**
     * The endpoint at this path, the 404 endpoint for another path below {@code endpointPath}, or null
     * when the path is none of Portcullis's. Costs a few length comparisons on other paths.
     */
    Endpoint find(String path) {
        for (int i = 0; i < paths.size(); i++) {
            if (paths.get(i).equals(path)) {
                return endpoints.get(i);
            }
        }
        if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
            return notFound;
        }
        return null;
    }

    /** Every endpoint first notes a request that arrived under another origin (a proxy not declared). */
    private Endpoint checked(Endpoint endpoint) {
        return (request, response, path) -> {
            origins.checkOrigin(request);
            endpoint.serve(request, response, path);
        };
    }
}
