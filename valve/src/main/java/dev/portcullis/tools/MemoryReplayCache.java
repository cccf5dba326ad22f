package dev.portcullis.tools;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.portcullis.saml.ReplayCache;

/**
 * The replay cache of one saml-inspect run: empty at start, so the {@code replay} step passes for a
 * message seen for the first time in this run. The valve's own cache is not consulted (a message
 * already consumed by the server would fail there, not here). One run is one thread.
 */
final class MemoryReplayCache implements ReplayCache {

    private final Map<String, Instant> used = new HashMap<>();

    @Override
    public boolean firstUse(String key, Instant keepUntil) {
        return used.putIfAbsent(key, keepUntil) == null;
    }
}
