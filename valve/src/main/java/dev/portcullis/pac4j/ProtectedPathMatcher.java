package dev.portcullis.pac4j;

import org.pac4j.core.context.CallContext;
import org.pac4j.core.matching.matcher.Matcher;

import dev.portcullis.config.PathPatterns;

/** Security applies to a path that is protected and not excluded. Thread-safe. */
public final class ProtectedPathMatcher implements Matcher {

    public static final String NAME = "portcullisProtectedPaths";

    private final PathPatterns protectedPaths;
    private final PathPatterns excludedPaths;

    public ProtectedPathMatcher(PathPatterns protectedPaths, PathPatterns excludedPaths) {
        this.protectedPaths = protectedPaths;
        this.excludedPaths = excludedPaths;
    }

    @Override
    public boolean matches(CallContext ctx) {
        return applies(ctx.webContext().getPath());
    }

    public boolean applies(String path) {
        return !excludedPaths.matches(path) && protectedPaths.matches(path);
    }
}
