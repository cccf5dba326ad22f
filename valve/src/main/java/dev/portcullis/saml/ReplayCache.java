package dev.portcullis.saml;

import java.time.Instant;

/**
 * Remembers which assertions have been consumed. Shared by every node that serves the ACS, or a
 * captured assertion could be replayed against another node (CVE-2025-64131).
 */
public interface ReplayCache {

    /**
     * Records an assertion as used until {@code keepUntil}, atomically.
     *
     * @return true the first time, false when the key was already recorded (a replay)
     */
    boolean firstUse(String key, Instant keepUntil);

    /**
     * Records a message issued at {@code issuedAt} as used until {@code keepUntil}, atomically, unless it was
     * issued before this cache's memory begins. A cache that can lose what it recorded (its store restarted:
     * a node's heap, a single Terracotta server) cannot tell whether a message issued before that was used,
     * so it refuses it rather than accept a possible replay. The default, for a cache that never forgets
     * within the lifetime of what it is asked about (the offline tool's), checks nothing more.
     *
     * @return true the first time, false when the key was already recorded (a replay)
     * @throws SamlValidationException {@link SamlErrorCode#ISSUED_BEFORE_REPLAY_WINDOW} when issued before the
     *                                 cache's memory begins, or with no issue instant
     */
    default boolean firstUse(String key, Instant issuedAt, Instant keepUntil) throws SamlValidationException {
        return firstUse(key, keepUntil);
    }
}
