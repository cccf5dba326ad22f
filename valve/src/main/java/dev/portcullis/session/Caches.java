package dev.portcullis.session;

import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.expiry.ExpiryPolicy;
import org.ehcache.xml.XmlConfiguration;

/**
 * The four Ehcache caches behind Portcullis, in one CacheManager owned by one valve:
 * <ul>
 *   <li>{@value #SESSIONS}: signed-in sessions, expiring at their idle or absolute deadline;</li>
 *   <li>{@value #PENDING_LOGINS}: sign-ins waiting for the IdP, expiring after loginRequestTimeout;</li>
 *   <li>{@value #REPLAY}: consumed assertion (and LogoutRequest) IDs, kept until they could no longer be accepted;</li>
 *   <li>{@value #SESSION_INDEX}: each user's sessions, for IdP-initiated logout.</li>
 * </ul>
 * Sizes and tiers come from the operator's ehcache.xml (templates with these names) or from built-in
 * heap defaults; value types, serializers, expiry and what happens when a store fails are always set
 * here, so a configuration can change where data lives but not how it is read back, nor turn a failed
 * store into an answer ({@link FailClosedResilience}: a failure is a {@link StateUnavailableException}).
 *
 * <p>A clustered tier (conf/ehcache-cluster.xml, a Terracotta server) needs Ehcache's clustered
 * client next to the valve JAR: the portcullis-cluster JAR, relocated like the valve, whose
 * ServiceLoader entries this Ehcache finds because both JARs sit on the same class loader.
 */
public final class Caches implements AutoCloseable {

    public static final String SESSIONS = "portcullis-sessions";
    public static final String PENDING_LOGINS = "portcullis-pending-logins";
    public static final String REPLAY = "portcullis-replay";
    public static final String SESSION_INDEX = "portcullis-session-index";

    /** The XML namespace of Ehcache's clustered tier (tc:cluster, tc:clustered-dedicated ...). */
    static final String CLUSTERED_NAMESPACE = "http://www.ehcache.org/v3/clustered";
    /** A class of Ehcache's clustered client (relocated in the shaded JARs like every Ehcache class). */
    private static final String CLUSTERED_CLIENT_CLASS = "org.ehcache.clustered.client.config.ClusteringServiceConfiguration";

    /** Built-in heap sizes (entries) when no ehcache.xml is configured. */
    static final long DEFAULT_SESSIONS = 50_000;
    static final long DEFAULT_PENDING_LOGINS = 50_000;
    static final long DEFAULT_REPLAY = 100_000;
    static final long DEFAULT_SESSION_INDEX = 50_000;

    private final CacheManager manager;
    private final Cache<String, SsoSession> sessions;
    private final Cache<String, PendingLogin> pendingLogins;
    private final Cache<String, Long> replay;
    private final Cache<String, IndexedSessions> sessionIndex;

    private Caches(CacheManager manager, Cache<String, SsoSession> sessions, Cache<String, PendingLogin> pendingLogins,
                   Cache<String, Long> replay, Cache<String, IndexedSessions> sessionIndex) {
        this.manager = manager;
        this.sessions = sessions;
        this.pendingLogins = pendingLogins;
        this.replay = replay;
        this.sessionIndex = sessionIndex;
    }

    /**
     * Starts the caches.
     *
     * @param ehcacheXml  an ehcache.xml with the four templates, or null for the built-in defaults
     * @param idleTimeout the session idle timeout (sessions expire at their idle deadline)
     */
    public static Caches start(Path ehcacheXml, Clock clock, Duration idleTimeout, ClassLoader classLoader) {
        CacheManager manager;
        CacheConfigurationBuilder<String, SsoSession> sessionConfig;
        CacheConfigurationBuilder<String, PendingLogin> pendingConfig;
        CacheConfigurationBuilder<String, Long> replayConfig;
        CacheConfigurationBuilder<String, IndexedSessions> indexConfig;
        if (ehcacheXml != null) {
            if (!Files.isReadable(ehcacheXml)) {
                throw new CacheSetupException("cannot read " + ehcacheXml + ".");
            }
            XmlConfiguration xml;
            try {
                xml = new XmlConfiguration(ehcacheXml.toUri().toURL(), classLoader);
                sessionConfig = template(xml, SESSIONS, String.class, SsoSession.class, ehcacheXml);
                pendingConfig = template(xml, PENDING_LOGINS, String.class, PendingLogin.class, ehcacheXml);
                replayConfig = template(xml, REPLAY, String.class, Long.class, ehcacheXml);
                indexConfig = template(xml, SESSION_INDEX, String.class, IndexedSessions.class, ehcacheXml);
            } catch (MalformedURLException | RuntimeException | ReflectiveOperationException e) {
                if (e instanceof CacheSetupException c) {
                    throw c;
                }
                throw new CacheSetupException(ehcacheXml + " is not a usable Ehcache 3"
                        + " configuration: " + e.getMessage() + clusteredClientHint(ehcacheXml), e);
            }
            manager = CacheManagerBuilder.newCacheManager(xml);
        } else {
            sessionConfig = CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, SsoSession.class,
                    ResourcePoolsBuilder.heap(DEFAULT_SESSIONS));
            pendingConfig = CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, PendingLogin.class,
                    ResourcePoolsBuilder.heap(DEFAULT_PENDING_LOGINS));
            replayConfig = CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, Long.class,
                    ResourcePoolsBuilder.heap(DEFAULT_REPLAY));
            indexConfig = CacheConfigurationBuilder.newCacheConfigurationBuilder(String.class, IndexedSessions.class,
                    ResourcePoolsBuilder.heap(DEFAULT_SESSION_INDEX));
            manager = CacheManagerBuilder.newCacheManagerBuilder().withClassLoader(classLoader).build();
        }
        try {
            manager.init();
            Cache<String, SsoSession> sessions = failClosed(manager, SESSIONS, sessionConfig
                    .withValueSerializer(new SsoSessionSerializer())
                    .withExpiry(new Deadline<>(clock, s -> s.idleDeadline(idleTimeout))));
            Cache<String, PendingLogin> pending = failClosed(manager, PENDING_LOGINS, pendingConfig
                    .withValueSerializer(new PendingLoginSerializer())
                    .withExpiry(new Deadline<>(clock, PendingLogin::expiresAt)));
            Cache<String, Long> replay = failClosed(manager, REPLAY, replayConfig
                    .withExpiry(new Deadline<>(clock, Instant::ofEpochMilli)));
            Cache<String, IndexedSessions> index = failClosed(manager, SESSION_INDEX, indexConfig
                    .withValueSerializer(new IndexedSessionsSerializer())
                    .withExpiry(new Deadline<>(clock, IndexedSessions::lastExpiry)));
            return new Caches(manager, sessions, pending, replay, index);
        } catch (RuntimeException e) {
            try {
                manager.close();
            } catch (RuntimeException ignored) {
                // the start failure is what matters
            }
            throw new CacheSetupException("the caches cannot be created: " + e.getMessage()
                    + (ehcacheXml != null && mentionsClusteredTier(ehcacheXml) ? " (with a clustered tier: is the"
                    + " Terracotta server at the configured URI running and reachable?)" : ""), e);
        }
    }

    /**
     * Creates one cache whose store failures throw ({@link FailClosedResilience}), whatever the
     * configuration said: every Portcullis cache is made here.
     */
    private static <V> Cache<String, V> failClosed(CacheManager manager, String name,
                                                   CacheConfigurationBuilder<String, V> config) {
        FailClosedResilience<String, V> failure = new FailClosedResilience<>(name);
        return failure.serve(manager.createCache(name, config.withResilienceStrategy(failure)));
    }

    /**
     * A sentence for the operator when a configuration uses the clustered tier but Ehcache's clustered
     * client is not on this class loader (the add-on JAR is missing, or in another folder).
     */
    static String clusteredClientHint(Path ehcacheXml) {
        if (!mentionsClusteredTier(ehcacheXml) || clusteredClientPresent(Caches.class.getClassLoader())) {
            return "";
        }
        return " This file uses Ehcache's clustered tier (" + CLUSTERED_NAMESPACE + "), which needs the"
                + " portcullis-cluster JAR in the same folder as the valve JAR ($CATALINA_BASE/lib).";
    }

    static boolean clusteredClientPresent(ClassLoader loader) {
        try {
            Class.forName(CLUSTERED_CLIENT_CLASS, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean mentionsClusteredTier(Path ehcacheXml) {
        try {
            return Files.readString(ehcacheXml, java.nio.charset.StandardCharsets.UTF_8).contains(CLUSTERED_NAMESPACE);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private static <K, V> CacheConfigurationBuilder<K, V> template(XmlConfiguration xml, String name, Class<K> key,
                                                                 Class<V> value, Path file)
            throws ReflectiveOperationException {
        CacheConfigurationBuilder<K, V> builder = xml.newCacheConfigurationBuilderFromTemplate(name, key, value);
        if (builder == null) {
            throw new CacheSetupException(file + " has no <cache-template name=\"" + name + "\">.");
        }
        return builder;
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

    /** Closes the CacheManager and every thread or file it holds. */
    @Override
    public void close() {
        manager.close();
    }

    /** Expires each entry at a deadline its value carries. */
    private static final class Deadline<K, V> implements ExpiryPolicy<K, V> {
        private final Clock clock;
        private final java.util.function.Function<V, Instant> deadline;

        Deadline(Clock clock, java.util.function.Function<V, Instant> deadline) {
            this.clock = clock;
            this.deadline = deadline;
        }

        @Override
        public Duration getExpiryForCreation(K key, V value) {
            return remaining(value);
        }

        @Override
        public Duration getExpiryForAccess(K key, Supplier<? extends V> value) {
            return null;
        }

        @Override
        public Duration getExpiryForUpdate(K key, Supplier<? extends V> oldValue, V newValue) {
            return remaining(newValue);
        }

        private Duration remaining(V value) {
            Duration left = Duration.between(clock.instant(), deadline.apply(value));
            return left.isNegative() ? Duration.ZERO : left;
        }
    }
}
