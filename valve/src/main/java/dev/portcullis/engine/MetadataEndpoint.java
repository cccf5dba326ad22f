package dev.portcullis.engine;

import java.io.IOException;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;

import dev.portcullis.web.ResponseWriter;

/** The SP metadata, written once at start (it changes only with the settings). */
final class MetadataEndpoint {

    private final String metadata;
    private final ResponseWriter writer;

    MetadataEndpoint(String metadata, ResponseWriter writer) {
        this.metadata = metadata;
        this.writer = writer;
    }

    void serve(Request request, Response response, String path) throws IOException {
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            writer.methodNotAllowed(response, "GET, HEAD", "The metadata endpoint answers GET only.");
            return;
        }
        writer.document(response, "application/samlmetadata+xml", metadata);
    }
}
