package dev.portcullis.session;

import java.time.Clock;
import java.time.Instant;

import org.ehcache.Cache;

import dev.portcullis.saml.ReplayCache;
import dev.portcullis.saml.SamlErrorCode;
import dev.portcullis.saml.SamlValidationException;

/**
 * The assertion replay cache in Ehcache: key the SHA-256 of issuer and assertion ID, value the epoch
 * millisecond until which it must be kept. {@code putIfAbsent} makes the first use atomic across
 * threads and, with a clustered tier, across nodes.
 *
 * <p>The replay window. The store forgets everything when it restarts: a node's heap caches with Tomcat,
 * a single Terracotta server (which keeps its data in memory) with itself. A Response used before, posted
 * again after such a restart, would find no record and be accepted while its assertion is still valid
 * (SAML 2.0 profiles, 4.1.4.5: a bearer assertion is used once). So the store carries its own
 * <em>epoch</em>, the instant its memory begins, under {@link #EPOCH_KEY}: written when the store is
 * created ({@link #begin}: at the valve's start, and by the store watch when a clustered store comes back
 * empty), kept by a store that kept its data (putIfAbsent), and shared by every node of a cluster. A
 * message issued before the epoch of the store it would be checked against is refused
 * ({@link SamlErrorCode#ISSUED_BEFORE_REPLAY_WINDOW}), since whether it was used cannot be known.
 *
 * <p>Clock skew. The issue instant is the IdP's clock, the epoch this server's. A message used before a
 * restart was used before the store went down, and nothing can be used while the store is down (every
 * request gets 503), so an IdP clock ahead of this one by less than the outage leaves no window; a clock
 * behind refuses the fresh sign-ins it issued in that much time after the epoch (the user signs in
 * again). A store without an epoch at all (evicted, or emptied before the watch noticed) takes "now":
 * stricter, never looser. Thread-safe.
 */
public final class CacheReplayCache implements ReplayCache {

    /** Where a store keeps its epoch; never a SHA-256 key (those are 43 base64url characters). */
    static final String EPOCH_KEY = "portcullis-replay-epoch";

    private final Cache<String, Long> cache;
    private final Clock clock;

    public CacheReplayCache(Cache<String, Long> cache, Clock clock) {
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String key, Instant keepUntil) {
        return cache.putIfAbsent(SessionIds.hash(key), keepUntil.toEpochMilli()) == null;
    }

    @Override
    public boolean firstUse(String key, Instant issuedAt, Instant keepUntil) throws SamlValidationException {
        Instant epoch = begin(cache, clock);
        if (issuedAt == null) {
            throw new SamlValidationException(SamlErrorCode.ISSUED_BEFORE_REPLAY_WINDOW, "the message has no IssueInstant,"
                    + " so it cannot be placed after the replay cache's epoch [" + epoch + "]");
        }
        if (issuedAt.isBefore(epoch)) {
            throw new SamlValidationException(SamlErrorCode.ISSUED_BEFORE_REPLAY_WINDOW, "issued at [" + issuedAt
                    + "], before the replay cache's epoch [" + epoch + "] (its state store started then and cannot"
                    + " know whether the message was used before)");
        }
        return firstUse(key, keepUntil);
    }

    /** The instant this store's memory begins (written now if the store has none). */
    public Instant epoch() {
        return begin(cache, clock);
    }

    /**
     * Marks the start of a store's memory: the epoch it already has, or now for a new store. Called when the
     * caches are created and when a clustered store answers again after an outage.
     */
    static Instant begin(Cache<String, Long> cache, Clock clock) {
        Long epoch = cache.get(EPOCH_KEY);
        if (epoch == null) {
            // Whole seconds, as most IdPs write IssueInstant: an assertion issued in the second the store
            // started is after it. Safe, because a store restart (and so the time between the last possible
            // use and the new epoch) lasts more than a second.
            long now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toEpochMilli();
            Long earlier = cache.putIfAbsent(EPOCH_KEY, now);
            epoch = earlier == null ? now : earlier;
        }
        return Instant.ofEpochMilli(epoch);
    }
}
