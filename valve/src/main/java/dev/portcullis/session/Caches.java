package dev.portcullis.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.expiry.ExpiryPolicy;


/**
 * The four Ehcache caches behind Portcullis, in one CacheManager owned by one valve:
 * <ul>
 *   <li>{@value #SESSIONS}: signed-in sessions, expiring at their idle or absolute deadline;</li>
 *   <li>{@value #PENDING_LOGINS}: sign-ins waiting for the IdP, expiring after loginRequestTimeout;</li>
 *   <li>{@value #REPLAY}: consumed assertion (and LogoutRequest) IDs, kept until they could no longer be accepted;</li>
 *   <li>{@value #SESSION_INDEX}: each user's sessions, for IdP-initiated logout.</li>
 * </ul>
 * Sizes and tiers come from the operator's ehcache.xml (templates with these names, read by
 * {@link CacheConfigFile}) or from built-in heap defaults; value types, serializers, expiry and what happens
 * when a store fails are always set here, so a configuration can change where data lives but not how it is
 * read back, nor turn a failed store into an answer ({@link FailClosedResilience}: a failure is a
 * {@link StateUnavailableException}).
 *
 * <p>A clustered tier (conf/ehcache-cluster.xml, a Terracotta server) needs Ehcache's clustered
 * client next to the valve JAR: the portcullis-cluster JAR, relocated like the valve, whose
 * ServiceLoader entries this Ehcache finds because both JARs sit on the same class loader. Its caches
 * are {@link StoreCache}s kept by a {@link StoreWatch}: the node starts even when the server is not
 * there yet (503 until it is), copies in the node's heap are answered only while the server answers,
 * and every cache reconnects as soon as the server is back. Every store gets its replay epoch
 * ({@link CacheReplayCache}) when it is created. Failures are logged through one {@link OutageLog}.
 */
public final class Caches implements AutoCloseable {

    public static final String SESSIONS = "portcullis-sessions";
    public static final String PENDING_LOGINS = "portcullis-pending-logins";
    public static final String REPLAY = "portcullis-replay";
    public static final String SESSION_INDEX = "portcullis-session-index";

    /** The XML namespace of Ehcache's clustered tier (tc:cluster, tc:clustered-dedicated ...). */
    static final String CLUSTERED_NAMESPACE = "http://www.ehcache.org/v3/clustered";

    /** Built-in heap sizes (entries) when no ehcache.xml is configured. */
    static final long DEFAULT_SESSIONS = 50_000;
    static final long DEFAULT_PENDING_LOGINS = 50_000;
    static final long DEFAULT_REPLAY = 100_000;
    static final long DEFAULT_SESSION_INDEX = 50_000;

    /** Where heap caches keep their data, in failure reasons. */
    static final String HEAP = "(heap)";

    private final AutoCloseable resources;
    private final Cache<String, SsoSession> sessions;
    private final Cache<String, PendingLogin> pendingLogins;
    private final Cache<String, Long> replay;
    private final Cache<String, IndexedSessions> sessionIndex;
    private final OutageLog outages;
    private final StoreWatch watch;

    private Caches(AutoCloseable resources, Cache<String, SsoSession> sessions, Cache<String, PendingLogin> pendingLogins,
                   Cache<String, Long> replay, Cache<String, IndexedSessions> sessionIndex, OutageLog outages,
                   StoreWatch watch) {
        this.resources = resources;
        this.sessions = sessions;
        this.pendingLogins = pendingLogins;
        this.replay = replay;
        this.sessionIndex = sessionIndex;
        this.outages = outages;
        this.watch = watch;
    }

    /** The four cache configurations, types and serializers set, before any store exists. */
    private record Configs(CacheConfigurationBuilder<String, SsoSession> sessions,
                           CacheConfigurationBuilder<String, PendingLogin> pending,
                           CacheConfigurationBuilder<String, Long> replay,
                           CacheConfigurationBuilder<String, IndexedSessions> index) {
    }

    /**
     * Starts the caches.
     *
     * @param ehcacheXml  an ehcache.xml with the four templates, or null for the built-in defaults
     * @param idleTimeout the session idle timeout (sessions expire at their idle deadline)
     */
    public static Caches start(Path ehcacheXml, Clock clock, Duration idleTimeout, ClassLoader classLoader) {
        OutageLog outages = new OutageLog(clock);
        if (ehcacheXml == null) {
            Configs configs = configure(clock, idleTimeout,
                    CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, SsoSession.class,
                            ResourcePoolsBuilder.heap(DEFAULT_SESSIONS)),
                    CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, PendingLogin.class,
                            ResourcePoolsBuilder.heap(DEFAULT_PENDING_LOGINS)),
                    CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, Long.class,
                            ResourcePoolsBuilder.heap(DEFAULT_REPLAY)),
                    CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, IndexedSessions.class,
                            ResourcePoolsBuilder.heap(DEFAULT_SESSION_INDEX)));
            return local(CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(classLoader).build(), configs,
                    HEAP, clock, outages);
        }
        CacheConfigFile file = CacheConfigFile.read(ehcacheXml, classLoader);
        Configs configs;
        try {
            configs = configure(clock, idleTimeout,
                    file.template(SESSIONS, SsoSession.class),
                    file.template(PENDING_LOGINS, PendingLogin.class),
                    file.template(REPLAY, Long.class),
                    file.template(SESSION_INDEX, IndexedSessions.class));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CacheSetupException(ehcacheXml + " is not a usable Ehcache 3 configuration: " + e.getMessage(), e);
        }
        if (!file.clustered()) {
            return local(file.manager(classLoader).build(false), configs, ehcacheXml.toString(), clock, outages);
        }
        String text = read(ehcacheXml);
        StoreWatch.Target target = StoreWatch.Target.parse(text, "the Terracotta server of " + ehcacheXml);
        StoreWatch watch = new StoreWatch(target, () -> connect(file.manager(classLoader).build(false), configs,
                target.address()), outages, connected -> {
                    @SuppressWarnings("unchecked")
                    Cache<String, Long> replay = (Cache<String, Long>) connected.caches().get(REPLAY);
                    CacheReplayCache.begin(replay, clock);
                }, clock);
        try {
            watch.connectAtStart();
        } catch (RuntimeException e) {
            watch.close();
            throw new CacheSetupException("the caches cannot be created on the state store at "
                    + target.address() + ": " + e.getMessage(), e);
        }
        return new Caches(watch, new StoreCache<>(SESSIONS, watch), new StoreCache<>(PENDING_LOGINS, watch),
                new StoreCache<>(REPLAY, watch), new StoreCache<>(SESSION_INDEX, watch), outages, watch);
    }

    /** Types, Portcullis's serializers, expiry: what no configuration may change. */
    private static Configs configure(Clock clock, Duration idleTimeout,
                                     CacheConfigurationBuilder<String, SsoSession> sessions,
                                     CacheConfigurationBuilder<String, PendingLogin> pending,
                                     CacheConfigurationBuilder<String, Long> replay,
                                     CacheConfigurationBuilder<String, IndexedSessions> index) {
        return new Configs(
                sessions.withValueSerializer(new SsoSessionSerializer())
                        .withExpiry(new Deadline<>(clock, (k, s) -> s.idleDeadline(idleTimeout))),
                pending.withValueSerializer(new PendingLoginSerializer())
                        .withExpiry(new Deadline<>(clock, (k, p) -> p.expiresAt())),
                // The replay epoch never expires, and a heap tier never evicts it (a store without one would
                // take "now" and refuse the sign-ins in flight).
                replay.withExpiry(new Deadline<>(clock, (k, until) -> CacheReplayCache.EPOCH_KEY.equals(k) ? null
                                : Instant.ofEpochMilli(until)))
                        .withEvictionAdvisor((k, v) -> CacheReplayCache.EPOCH_KEY.equals(k)),
                index.withValueSerializer(new IndexedSessionsSerializer())
                        .withExpiry(new Deadline<>(clock, (k, i) -> i.lastExpiry())));
    }

    /** Heap, off-heap or disk caches in this JVM: created now, or the start fails. */
    private static Caches local(CacheManager manager, Configs configs, String store, Clock clock, OutageLog outages) {
        try {
            manager.init();
            Map<String, Cache<String, ?>> made = create(manager, configs, store);
            @SuppressWarnings("unchecked")
            Cache<String, Long> replay = (Cache<String, Long>) made.get(REPLAY);
            CacheReplayCache.begin(replay, clock);
            return new Caches(manager, cast(made.get(SESSIONS)), cast(made.get(PENDING_LOGINS)), replay,
                    cast(made.get(SESSION_INDEX)), outages, null);
        } catch (RuntimeException e) {
            try {
                manager.close();
            } catch (RuntimeException ignored) {
                // the start failure is what matters
            }
            throw new CacheSetupException("the caches cannot be created: " + e.getMessage(), e);
        }
    }

    /** A new CacheManager on the Terracotta server, with the four caches, for the store watch. */
    private static StoreWatch.Connected connect(CacheManager manager, Configs configs, String store) {
        try {
            manager.init();
            return new StoreWatch.Connected(manager, create(manager, configs, store));
        } catch (RuntimeException e) {
            try {
                manager.close();
            } catch (RuntimeException ignored) {
                // the connection failure is what matters
            }
            throw e;
        }
    }

    private static Map<String, Cache<String, ?>> create(CacheManager manager, Configs configs, String store) {
        Map<String, Cache<String, ?>> made = new LinkedHashMap<>();
        made.put(SESSIONS, failClosed(manager, SESSIONS, configs.sessions(), store));
        made.put(PENDING_LOGINS, failClosed(manager, PENDING_LOGINS, configs.pending(), store));
        made.put(REPLAY, failClosed(manager, REPLAY, configs.replay(), store));
        made.put(SESSION_INDEX, failClosed(manager, SESSION_INDEX, configs.index(), store));
        return made;
    }

    @SuppressWarnings("unchecked")
    private static <V> Cache<String, V> cast(Cache<String, ?> cache) {
        return (Cache<String, V>) cache;
    }

    /**
     * Creates one cache whose store failures throw ({@link FailClosedResilience}), whatever the
     * configuration said: every Portcullis cache is made here.
     */
    private static <V> Cache<String, V> failClosed(CacheManager manager, String name,
                                                   CacheConfigurationBuilder<String, V> config, String store) {
        FailClosedResilience<String, V> failure = new FailClosedResilience<>(name, store);
        return failure.serve(manager.createCache(name, config.withResilienceStrategy(failure)));
    }

    private static String read(Path ehcacheXml) {
        try {
            return Files.readString(ehcacheXml, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    public Cache<String, SsoSession> sessions() {
        return sessions;
    }

    public Cache<String, PendingLogin> pendingLogins() {
        return pendingLogins;
    }

    public Cache<String, Long> replay() {
        return replay;
    }

    public Cache<String, IndexedSessions> sessionIndex() {
        return sessionIndex;
    }

    /** Where failures are logged once and then summarized; the engine reports every 503 it answers here. */
    public OutageLog outages() {
        return outages;
    }

    /**
     * Whether the state store answers: always for caches in this JVM; for a clustered store, once connected
     * and while no failure is known (a readiness check says "not ready" otherwise).
     */
    public boolean answering() {
        return watch == null || watch.answering();
    }

    /** Closes the CacheManager and every thread or file it holds. */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Expires each entry at a deadline its value carries (null: never). */
    private static final class Deadline<K, V> implements ExpiryPolicy<K, V> {
        private final Clock clock;
        private final java.util.function.BiFunction<K, V, Instant> deadline;

        Deadline(Clock clock, java.util.function.BiFunction<K, V, Instant> deadline) {
            this.clock = clock;
            this.deadline = deadline;
        }

        @Override
        public Duration getExpiryForCreation(K key, V value) {
            return remaining(key, value);
        }

        @Override
        public Duration getExpiryForAccess(K key, Supplier<? extends V> value) {
            return null;
        }

        @Override
        public Duration getExpiryForUpdate(K key, Supplier<? extends V> oldValue, V newValue) {
            return remaining(key, newValue);
        }

        private Duration remaining(K key, V value) {
            Instant at = deadline.apply(key, value);
            if (at == null) {
                return ExpiryPolicy.INFINITE;
            }
            Duration left = Duration.between(clock.instant(), at);
            return left.isNegative() ? Duration.ZERO : left;
        }
    }
}
