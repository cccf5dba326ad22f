package dev.portcullis.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of URL patterns in the servlet specification's syntax, matched against the normalized,
 * decoded request path that Tomcat's mapper also uses (so {@code /public/..;/admin/} is seen as
 * {@code /admin/}, as the webapp will see it):
 * <ul>
 *   <li>{@code /*} matches every path;</li>
 *   <li>{@code /prefix/*} matches {@code /prefix} and everything below it;</li>
 *   <li>{@code *.ext} matches paths whose last segment ends with {@code .ext};</li>
 *   <li>anything else starting with {@code /} matches that exact path.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class PathPatterns {

    private final List<String> exact;
    private final List<String> prefixes;
    private final List<String> extensions;
    private final boolean all;
    private final String source;

    private PathPatterns(List<String> exact, List<String> prefixes, List<String> extensions, boolean all,
                         String source) {
        this.exact = List.copyOf(exact);
        this.prefixes = List.copyOf(prefixes);
        this.extensions = List.copyOf(extensions);
        this.all = all;
        this.source = source;
    }

    /** Matches nothing. */
    public static PathPatterns none() {
        return new PathPatterns(List.of(), List.of(), List.of(), false, "");
    }

    /** Parses a comma- or whitespace-separated list of patterns. */
    public static PathPatterns parse(String setting, String text) {
        List<String> exact = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        List<String> extensions = new ArrayList<>();
        boolean all = false;
        if (text != null) {
            for (String raw : text.split("[,\\s]+")) {
                String pattern = raw.trim();
                if (pattern.isEmpty()) {
                    continue;
                }
                if (pattern.equals("/*") || pattern.equals("/")) {
                    all = true;
                } else if (pattern.startsWith("*.") && pattern.length() > 2 && pattern.indexOf('/') < 0
                        && pattern.indexOf('*', 1) < 0) {
                    extensions.add(pattern.substring(1));
                } else if (pattern.startsWith("/") && pattern.endsWith("/*") && pattern.indexOf('*') == pattern.length() - 1) {
                    prefixes.add(pattern.substring(0, pattern.length() - 2));
                } else if (pattern.startsWith("/") && pattern.indexOf('*') < 0) {
                    exact.add(pattern);
                } else {
                    throw new ConfigurationException(setting, "'" + pattern + "' is not a URL pattern; use /*, /prefix/*,"
                            + " *.ext or an exact path starting with /.");
                }
            }
        }
        return new PathPatterns(exact, prefixes, extensions, all, text == null ? "" : text.trim());
    }

    public boolean isEmpty() {
        return !all && exact.isEmpty() && prefixes.isEmpty() && extensions.isEmpty();
    }

    /** Whether the normalized path (starting with {@code /}) matches one of the patterns. */
    public boolean matches(String path) {
        if (all) {
            return true;
        }
        for (int i = 0; i < prefixes.size(); i++) {
            String prefix = prefixes.get(i);
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        for (int i = 0; i < exact.size(); i++) {
            if (exact.get(i).equals(path)) {
                return true;
            }
        }
        if (!extensions.isEmpty()) {
            int slash = path.lastIndexOf('/');
            for (int i = 0; i < extensions.size(); i++) {
                String extension = extensions.get(i);
                if (path.endsWith(extension) && path.length() - extension.length() > slash + 1) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether every path of a webapp at {@code contextPath} ({@code ""} for ROOT) matches: {@code /*}, or a
     * prefix pattern that is the context path or above it.
     */
    public boolean matchesAllUnder(String contextPath) {
        if (all) {
            return true;
        }
        for (String prefix : prefixes) {
            if (!contextPath.isEmpty() && (contextPath.equals(prefix) || contextPath.startsWith(prefix + "/"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether some path of a webapp at {@code contextPath} ({@code ""} for ROOT) may match. */
    public boolean mayMatchUnder(String contextPath) {
        if (matchesAllUnder(contextPath) || !extensions.isEmpty()) {
            return true;
        }
        String below = contextPath + "/";
        for (String prefix : prefixes) {
            if (prefix.equals(contextPath) || prefix.startsWith(below)) {
                return true;
            }
        }
        for (String path : exact) {
            if (path.equals(contextPath) || path.startsWith(below)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return source;
    }
}
