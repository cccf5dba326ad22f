package dev.portcullis.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The sessions one user (an IdP and a NameID) holds, for IdP-initiated logout to find them without
 * scanning: each session's cache key, the IdP's SessionIndex for it, and when it ends at the latest.
 * Immutable; equality is identity so that an atomic replace works against the instance that was read.
 *
 * @param entries the sessions, oldest first
 */
public record IndexedSessions(List<Entry> entries) {

    /** Most sessions remembered per user; the oldest are dropped first (they are the likeliest to be gone). */
    public static final int MAX_ENTRIES = 256;

    /**
     * @param sessionKey   the session's cache key (SHA-256 of its id)
     * @param sessionIndex the IdP's SessionIndex, or null
     * @param expiresAt    the session's absolute deadline
     */
    public record Entry(String sessionKey, String sessionIndex, Instant expiresAt) {
    }

    public IndexedSessions {
        entries = List.copyOf(entries);
    }

    /** A copy with one more entry and without the entries that have ended by {@code now}. */
    IndexedSessions with(Entry entry, Instant now) {
        List<Entry> kept = new ArrayList<>(entries.size() + 1);
        for (Entry existing : entries) {
            if (now.isBefore(existing.expiresAt()) && !existing.sessionKey().equals(entry.sessionKey())) {
                kept.add(existing);
            }
        }
        kept.add(entry);
        while (kept.size() > MAX_ENTRIES) {
            kept.remove(0);
        }
        return new IndexedSessions(kept);
    }

    /** A copy without the given session. */
    IndexedSessions without(String sessionKey) {
        return new IndexedSessions(entries.stream().filter(e -> !e.sessionKey().equals(sessionKey)).toList());
    }

    /** The latest deadline of any entry, for the cache's expiry. */
    Instant lastExpiry() {
        Instant last = Instant.EPOCH;
        for (Entry entry : entries) {
            if (entry.expiresAt().isAfter(last)) {
                last = entry.expiresAt();
            }
        }
        return last;
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
