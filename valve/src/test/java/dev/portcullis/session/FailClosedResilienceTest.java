package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a cache's store fails (with a clustered tier: the Terracotta server does not answer), every one
 * of Portcullis's four caches throws {@link StateUnavailableException} instead of answering a guess, so
 * that no assertion is accepted twice and no logout is dropped on a guess. The stores here are real
 * Ehcache off-heap stores whose key serializer fails on demand ({@link BreakableKeys}), configured
 * through an ehcache.xml as an operator would; the last test shows what Ehcache's default strategy
 * would have answered on the same failure.
 */
class FailClosedResilienceTest {

    @TempDir
    Path dir;

    private Caches caches;
    private final Instant later = Instant.now().plusSeconds(300);

    @BeforeEach
    void start() throws Exception {
        Path xml = dir.resolve("ehcache.xml");
        Files.writeString(xml, BreakableKeys.configuration(), StandardCharsets.UTF_8);
        caches = Caches.start(xml, Clock.systemUTC(), Duration.ofMinutes(30), getClass().getClassLoader());
    }

    @AfterEach
    void stop() {
        BreakableKeys.repair();
        caches.close();
    }

    @Test
    void theReplayCacheRefusesToCallAnAssertionNewWhenItsStoreFails() {
        CacheReplayCache replay = new CacheReplayCache(caches.replay(), Clock.systemUTC());
        assertThat(replay.firstUse("idp\nassertion-1", later)).as("first use, store working").isTrue();

        BreakableKeys.breakAll();
        assertThatThrownBy(() -> replay.firstUse("idp\nassertion-1", later)).as("the replay, store failing")
                .isInstanceOf(StateUnavailableException.class)
                .hasMessageStartingWith("cache [portcullis-replay] putIfAbsent failed: SerializerException: the store is broken");
        assertThatThrownBy(() -> replay.firstUse("idp\nassertion-2", later)).as("a new assertion, store failing")
                .isInstanceOf(StateUnavailableException.class);

        BreakableKeys.repair();
        assertThat(replay.firstUse("idp\nassertion-1", later)).as("the replay, store working again").isFalse();
        assertThat(replay.firstUse("idp\nassertion-2", later)).as("nothing was recorded while failing").isTrue();
    }

    @Test
    void everyCacheThrowsOnEveryOperationPortcullisUsesWhenItsStoreFails() {
        caches.sessions().put("s", session("alice"));
        caches.sessionIndex().put("i", new IndexedSessions(List.of(new IndexedSessions.Entry("s", "idx", later))));
        caches.pendingLogins().put("p", new PendingLogin("https://app/page", later));
        caches.replay().put("r", later.toEpochMilli());

        BreakableKeys.breakAll();

        List<Runnable> operations = List.of(
                () -> caches.sessions().get("s"),
                () -> caches.sessions().put("t", session("bob")),
                () -> caches.sessions().remove("s"),
                () -> caches.sessions().remove("s", session("alice")),
                () -> caches.sessions().replace("s", session("alice"), session("alice")),
                () -> caches.sessionIndex().get("i"),
                () -> caches.sessionIndex().putIfAbsent("j", new IndexedSessions(List.of(new IndexedSessions.Entry("t", null, later)))),
                () -> caches.sessionIndex().remove("i", new IndexedSessions(List.of())),
                () -> caches.pendingLogins().get("p"),
                () -> caches.pendingLogins().put("q", new PendingLogin(null, later)),
                () -> caches.replay().get("r"),
                () -> caches.replay().putIfAbsent("x", later.toEpochMilli()));
        for (int i = 0; i < operations.size(); i++) {
            assertThat(catchThrowable(operations.get(i)::run)).as("operation %d", i)
                    .isInstanceOf(StateUnavailableException.class).hasMessageContaining(" failed: SerializerException");
        }

        BreakableKeys.repair();
        assertThat(caches.sessions().get("s")).as("the session is still there, untouched").isNotNull();
        assertThat(caches.sessions().get("t")).as("no session was written").isNull();
    }

    @Test
    void ehcachesDefaultStrategyWouldHaveCalledTheReplayNew() {
        // The same failing store without Portcullis's strategy: what FailClosedResilience exists to prevent.
        try (CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder().build(true)) {
            Cache<String, Long> replay = manager.createCache("default-strategy", CacheConfigurationBuilder
                    .newCacheConfigurationBuilder(String.class, Long.class, ResourcePoolsBuilder.newResourcePoolsBuilder()
                            .offheap(2, MemoryUnit.MB))
                    .withKeySerializer(new BreakableKeys(getClass().getClassLoader())));
            assertThat(replay.putIfAbsent("assertion-1", 1L)).isNull();
            assertThat(replay.putIfAbsent("assertion-1", 1L)).as("store working: recorded").isEqualTo(1L);

            BreakableKeys.breakAll();
            assertThat(replay.putIfAbsent("assertion-1", 1L)).as("store failing: \"absent\", a first use").isNull();
        }
    }

    private SsoSession session(String user) {
        Instant now = Instant.now();
        return new SsoSession(user, List.of("user"), java.util.Map.of(), "https://idp", user, null, null, null, "_s1",
                "urn:ac", now, now, now, later);
    }
}
