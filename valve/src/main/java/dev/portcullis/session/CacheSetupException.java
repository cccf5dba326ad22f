package dev.portcullis.session;

/**
 * The caches cannot be created from the given Ehcache configuration (unreadable, no usable template, a
 * clustered tier without its client or its server). The message is one sentence for the operator;
 * the engine reports it under the {@code ehcacheConfig} setting and the valve does not start.
 */
public class CacheSetupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CacheSetupException(String message) {
        super(message);
    }

    public CacheSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
