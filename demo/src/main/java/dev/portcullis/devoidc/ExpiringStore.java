package dev.portcullis.devoidc;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Values kept in memory under random tokens (256 bits, URL-safe base64) for a fixed lifetime: the
 * provider's sessions, sign-ins in progress, authorization codes and access tokens. At most
 * {@code max} are kept, so a flood of requests cannot exhaust memory. Thread-safe.
 *
 * @param <V> what is kept
 */
final class ExpiringStore<V> {

    private static final int TOKEN_BYTES = 32;

    private record Entry<V>(V value, Instant created) {
    }

    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration lifetime;
    private final int max;
    private final String what;

    ExpiringStore(Clock clock, Duration lifetime, int max, String what) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.max = max;
        this.what = what;
    }

    /** Keeps a value and returns its new token. */
    String add(V value) throws OidcRejected {
        entries.values().removeIf(this::expired);
        if (entries.size() >= max) {
            throw new OidcRejected(OidcRejection.TOO_MANY_PENDING, entries.size() + " " + what + " kept");
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        entries.put(token, new Entry<>(value, clock.instant()));
        return token;
    }

    /** The live value under this token; it stays. */
    Optional<V> find(String token) {
        Entry<V> entry = token == null ? null : entries.get(token);
        if (entry == null) {
            return Optional.empty();
        }
        if (expired(entry)) {
            entries.remove(token, entry);
            return Optional.empty();
        }
        return Optional.of(entry.value());
    }

    /** Removes the value under this token and returns it if it was live: of two concurrent takes, one wins. */
    Optional<V> take(String token) {
        Entry<V> entry = token == null ? null : entries.remove(token);
        return entry == null || expired(entry) ? Optional.empty() : Optional.of(entry.value());
    }

    /** When the value under this token was added, if it is still kept (live or expired). */
    Optional<Instant> created(String token) {
        Entry<V> entry = token == null ? null : entries.get(token);
        return entry == null ? Optional.empty() : Optional.of(entry.created());
    }

    /** Removes every value that matches; returns them. */
    List<V> removeIf(Predicate<V> condition) {
        List<V> removed = new ArrayList<>();
        entries.forEach((token, entry) -> {
            if (condition.test(entry.value()) && entries.remove(token, entry)) {
                removed.add(entry.value());
            }
        });
        return removed;
    }

    /** Every live value. */
    List<V> values() {
        return entries.values().stream().filter(entry -> !expired(entry)).map(Entry::value).toList();
    }

    private boolean expired(Entry<V> entry) {
        return !clock.instant().isBefore(entry.created().plus(lifetime));
    }
}
