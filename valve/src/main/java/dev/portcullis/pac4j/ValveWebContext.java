package dev.portcullis.pac4j;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.pac4j.jee.context.JEEContext;

import dev.portcullis.config.ExternalUrl;

/**
 * pac4j's servlet context, adjusted for a valve: the path is the one the valve matched (host-wide at
 * Host level, where {@link JEEContext} would strip a context path that pac4j must not ignore), and
 * the request URL is rebuilt from the configured external origin, never from the Host header.
 */
public final class ValveWebContext extends JEEContext {

    private final HttpServletRequest request;
    private final String path;
    private final ExternalUrl externalUrl;

    public ValveWebContext(HttpServletRequest request, HttpServletResponse response, String path, ExternalUrl externalUrl) {
        super(request, response);
        this.request = request;
        this.path = path;
        this.externalUrl = externalUrl;
    }

    @Override
    public String getPath() {
        return path;
    }

    @Override
    public Optional<String> getRequestHeader(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    @Override
    public String getRequestURL() {
        return externalUrl.resolve(request.getRequestURI());
    }

    @Override
    public String getFullRequestURL() {
        String query = request.getQueryString();
        return query == null ? getRequestURL() : getRequestURL() + '?' + query;
    }

    /** The request URI as the client sent it, with its query: where to return after sign-in. */
    public String originalPathAndQuery() {
        String query = request.getQueryString();
        return query == null ? request.getRequestURI() : request.getRequestURI() + '?' + query;
    }
}
