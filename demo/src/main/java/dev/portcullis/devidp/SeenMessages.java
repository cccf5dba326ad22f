package dev.portcullis.devidp;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The IDs of the messages already acted on, each kept until the message would be refused as too old
 * anyway, so that a captured LogoutRequest cannot be played again. At most {@link #MAX_ENTRIES} are
 * kept. Thread-safe.
 */
final class SeenMessages {

    /** Most message IDs kept at once. */
    static final int MAX_ENTRIES = 100_000;

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final Clock clock;

    SeenMessages(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a message ID; refuses one already recorded.
     *
     * @param keepUntil when the message is too old to be accepted anyway
     */
    void firstUse(String id, Instant keepUntil) throws RequestRejected {
        Instant now = clock.instant();
        seen.values().removeIf(until -> !now.isBefore(until));
        if (seen.size() >= MAX_ENTRIES) {
            throw new RequestRejected(Rejection.TOO_MANY_PENDING, seen.size() + " message IDs remembered");
        }
        if (seen.putIfAbsent(id, keepUntil) != null) {
            throw new RequestRejected(Rejection.REPLAYED_MESSAGE, "message ID [" + id + "] was received before");
        }
    }
}
