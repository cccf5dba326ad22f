package dev.portcullis.pac4j;

import java.util.Optional;

import org.pac4j.jee.context.JEEContext;

import dev.portcullis.config.ExternalUrl;

/**
 * pac4j's servlet context, adjusted for a valve: the path is the one the valve matched (host-wide at
 * Host level, where {@link JEEContext} would strip a context path that pac4j must not ignore), the
 * request URL is rebuilt from the configured external origin, never from the Host header, and it
 * carries the request's {@link RequestState}, through which the pac4j components hand data to each
 * other.
 */
public final class ValveWebContext extends JEEContext {

    private final RequestState state;
    private final ExternalUrl externalUrl;

    public ValveWebContext(RequestState state, ExternalUrl externalUrl) {
        super(state.request(), state.response());
        this.state = state;
        this.externalUrl = externalUrl;
    }

    /** This request's state. */
    public RequestState state() {
        return state;
    }

    @Override
    public String getPath() {
        return state.path();
    }

    @Override
    public Optional<String> getRequestHeader(String name) {
        return Optional.ofNullable(state.request().getHeader(name));
    }

    @Override
    public String getRequestURL() {
        return externalUrl.resolve(state.request().getRequestURI());
    }

    @Override
    public String getFullRequestURL() {
        String query = state.request().getQueryString();
        return query == null ? getRequestURL() : getRequestURL() + '?' + query;
    }

    /** The request URI as the client sent it, with its query: where to return after sign-in. */
    public String originalPathAndQuery() {
        String query = state.request().getQueryString();
        String uri = state.request().getRequestURI();
        return query == null ? uri : uri + '?' + query;
    }
}
