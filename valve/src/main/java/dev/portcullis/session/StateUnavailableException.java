package dev.portcullis.session;

import java.io.Serial;

/**
 * A cache operation whose store did not answer: with a clustered tier, the Terracotta server was not
 * reachable within the read or write timeout, or the client's lease had expired. Portcullis's caches
 * throw it rather than guess an answer ({@link FailClosedResilience}); the engine answers the request
 * with 503 and creates nothing. The message names the cache, the operation and the root cause, for
 * the one log line the engine writes; it never holds a key or a value.
 */
public final class StateUnavailableException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String cache;
    private final String operation;

    StateUnavailableException(String cache, String operation, Throwable cause) {
        super("cache [" + cache + "] " + operation + " failed: " + rootCause(cause), cause);
        this.cache = cache;
        this.operation = operation;
    }

    /** The cache whose store failed, such as {@value Caches#REPLAY}. */
    public String cache() {
        return cache;
    }

    /** The cache operation that failed, such as {@code putIfAbsent}. */
    public String operation() {
        return operation;
    }

    /** The first StateUnavailableException in a cause chain, or null. */
    public static StateUnavailableException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StateUnavailableException state) {
                return state;
            }
        }
        return null;
    }

    /** "SimpleName: message" of the deepest cause (the store's own reason, such as a timeout). */
    static String rootCause(Throwable cause) {
        Throwable root = cause;
        for (int depth = 0; root != null && root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        if (root == null) {
            return "unknown cause";
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + oneLine(message));
    }

    private static String oneLine(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString().strip();
    }
}
