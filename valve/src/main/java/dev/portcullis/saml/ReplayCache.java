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
}
