package dev.portcullis.session;

import java.io.Serial;

/**
 * A cache operation whose store did not answer: with a clustered tier, the Terracotta server was not
 * reachable within the read or write timeout, the client's lease had expired, or the node's
 * {@link StoreWatch} has seen the server fail and not answer again yet. Portcullis's caches throw it
 * rather than guess an answer ({@link FailClosedResilience}); the engine answers the request with 503
 * and creates nothing. The message names the cache, the operation and the root cause, for the log; it
 * never holds a key or a value. {@link #reason()} is the same for every failure of one kind at one
 * store, so that an outage is logged once and then summarized ({@link OutageLog}).
 */
public final class StateUnavailableException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String cache;
    private final String operation;
    private final String reason;

    StateUnavailableException(String cache, String operation, String store, Throwable cause) {
        super("cache [" + cache + "] " + operation + " failed: " + rootCause(cause), cause);
        this.cache = cache;
        this.operation = operation;
        this.reason = reason(store, cause);
    }

    /** A failure the store watch knows about already, such as an outage in progress. */
    StateUnavailableException(String cache, String operation, String reason, String detail) {
        super("cache [" + cache + "] " + operation + " failed: " + detail);
        this.cache = cache;
        this.operation = operation;
        this.reason = reason;
    }

    /** The cache whose store failed, such as {@value Caches#REPLAY}. */
    public String cache() {
        return cache;
    }

    /** The cache operation that failed, such as {@code putIfAbsent}. */
    public String operation() {
        return operation;
    }

    /**
     * The cause in a form that is the same for every request it fails, such as "state store unreachable at
     * terracotta://127.0.0.1:9410/portcullis": what an outage is counted and summarized by.
     */
    public String reason() {
        return reason;
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

    static String unreachable(String store) {
        return "state store unreachable at " + store;
    }

    /**
     * "unreachable" when the store could not be reached or did not answer in time (a connection lost,
     * refused or being re-established, a timeout); otherwise the kind of failure, by the root cause's class.
     */
    static String reason(String store, Throwable cause) {
        if (isConnectionFailure(cause)) {
            return unreachable(store);
        }
        Throwable root = root(cause);
        return "state store " + store + " failed: " + (root == null ? "unknown cause" : root.getClass().getSimpleName());
    }

    /**
     * Whether a failure says the store could not be reached rather than that it refused the operation: any
     * exception in the chain named like a lost, refused or timed-out connection (the Terracotta client's
     * and Ehcache's own, relocated in the drop-in JAR, are matched by simple name).
     */
    static boolean isConnectionFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.endsWith("ConnectionException") || name.equals("ConnectionClosedException")
                    || name.equals("ConnectionShutdownException") || name.equals("ReconnectInProgressException")
                    || name.equals("TimeoutException") || name.equals("ConnectException")
                    || name.equals("UnknownHostException") || name.equals("NoRouteToHostException")
                    || name.equals("LeaseException")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable root(Throwable cause) {
        Throwable root = cause;
        for (int depth = 0; root != null && root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
            root = root.getCause();
        }
        return root;
    }

    /** "SimpleName: message" of the deepest cause (the store's own reason, such as a timeout). */
    static String rootCause(Throwable cause) {
        Throwable root = root(cause);
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
