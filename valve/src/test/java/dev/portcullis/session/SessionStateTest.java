package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.ehcache.spi.serialization.SerializerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.portcullis.session.RelayStates.Handle;
import dev.portcullis.session.RelayStates.Purpose;
import dev.portcullis.testkit.TestClock;

/** The Ehcache-backed state: sessions, pending logins, the replay cache and their serializers. */
class SessionStateTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-11-27T10:00:00Z"));
    private Caches caches;
    private SessionRepository sessions;
    private PendingLoginStore pending;
    private final SessionIds ids = new SessionIds(new SecureRandom());

    @BeforeEach
    void start() {
        caches = Caches.start(null, clock, Duration.ofMinutes(30), getClass().getClassLoader());
        sessions = new SessionRepository(caches.sessions(), new SessionIndex(caches.sessionIndex(), clock), ids, clock,
                Duration.ofMinutes(30));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        pending = new PendingLoginStore(caches.pendingLogins(),
                new RelayStates(key, new SecureRandom(), clock, Duration.ofMinutes(10), new CacheReplayCache(caches.replay(), clock)));
    }

    @AfterEach
    void stop() {
        caches.close();
    }

    private SsoSession session(Instant expiresAt) {
        Instant now = clock.instant();
        return new SsoSession("alice", List.of("user", "admin"), Map.of("mail", List.of("alice@example.com")),
                "https://idp", "alice", null, null, null, "_s1", "urn:ac", now, now, now, expiresAt);
    }

    @Test
    void storesSessionsUnderTheHashOfTheirIdOnly() {
        String id = sessions.create(session(clock.instant().plus(Duration.ofHours(8))));

        assertThat(id).hasSize(43);
        assertThat(caches.sessions().get(id)).isNull();
        assertThat(caches.sessions().get(SessionIds.hash(id))).isNotNull();
        assertThat(sessions.find(id).session().principal()).isEqualTo("alice");
    }

    @Test
    void endsAnIdleSessionAndReportsWhy() {
        String id = sessions.create(session(clock.instant().plus(Duration.ofHours(8))));
        clock.advance(Duration.ofMinutes(31));

        SessionRepository.Lookup lookup = sessions.find(id);

        assertThat(lookup.found()).isFalse();
        assertThat(lookup.cause()).isEqualTo(SsoSession.EndCause.IDLE);
        assertThat(sessions.find(id).ended()).isNull();
    }

    @Test
    void touchingKeepsAnActiveSessionAlive() {
        String id = sessions.create(session(clock.instant().plus(Duration.ofHours(8))));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(20));
            assertThat(sessions.find(id).found()).as("after %d x 20 min", i + 1).isTrue();
        }
    }

    @Test
    void aTouchCannotResurrectASessionRemovedMeanwhile() {
        String id = sessions.create(session(clock.instant().plus(Duration.ofHours(8))));
        SsoSession seen = caches.sessions().get(SessionIds.hash(id));
        sessions.remove(id);
        assertThat(caches.sessions().replace(SessionIds.hash(id), seen, seen.touchedAt(clock.instant()))).isFalse();
        assertThat(sessions.find(id).found()).isFalse();
    }

    @Test
    void ignoresIdsThatCannotBeOurs() {
        assertThat(sessions.find("short").found()).isFalse();
        assertThat(sessions.find("A".repeat(42) + "!").found()).isFalse();
        assertThat(sessions.remove("x")).isNull();
    }

    @Test
    void theOriginalUrlIsGivenOutOnceButTheSignInStaysProvable() {
        Handle handle = pending.startSignIn(Purpose.SIGN_IN, "/app/?x=1");

        PendingLoginStore.SignIn first = pending.signIn(handle.value()).orElseThrow();
        assertThat(first.originalUrl()).isEqualTo("/app/?x=1");
        assertThat(first.handle().messageId()).isEqualTo(handle.messageId());
        PendingLoginStore.SignIn again = pending.signIn(handle.value()).orElseThrow();
        assertThat(again.originalUrl()).isNull();
        assertThat(again.handle().messageId()).isEqualTo(handle.messageId());
    }

    @Test
    void aSignInSurvivesItsCacheEntry() {
        Handle handle = pending.startSignIn(Purpose.STEP_UP, "/app/admin/");
        caches.pendingLogins().clear();   // what eviction by a flood of unauthenticated requests does

        PendingLoginStore.SignIn signIn = pending.signIn(handle.value()).orElseThrow();
        assertThat(signIn.handle().messageId()).isEqualTo(handle.messageId());
        assertThat(signIn.handle().purpose()).isEqualTo(Purpose.STEP_UP);
        assertThat(signIn.originalUrl()).isNull();
    }

    @Test
    void aSignInExpiresWithLoginRequestTimeout() {
        Handle handle = pending.startSignIn(Purpose.SIGN_IN, "/app/");
        clock.advance(Duration.ofMinutes(9));
        assertThat(pending.signIn(handle.value())).isPresent();
        clock.advance(Duration.ofMinutes(1));
        assertThat(pending.signIn(handle.value())).isEmpty();
    }

    @Test
    void signInAndLogoutHandlesAreNotInterchangeable() {
        Handle signIn = pending.startSignIn(Purpose.SIGN_IN, "/app/");
        Handle logout = pending.startLogout();

        assertThat(pending.signIn(logout.value())).isEmpty();
        assertThat(pending.logout(signIn.value())).isEmpty();
        assertThat(pending.logout(logout.value())).get().extracting(Handle::messageId).isEqualTo(logout.messageId());
    }

    @Test
    void concurrentConsumptionsOfOneHandleSucceedOnce() throws Exception {
        Handle handle = pending.startSignIn(Purpose.SIGN_IN, "/app/");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Boolean> won = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 8; i++) {
            pool.submit(() -> {
                go.await();
                if (pending.consume(handle)) {
                    won.add(true);
                }
                return null;
            });
        }
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(won).hasSize(1);
    }

    @Test
    void theReplayCacheAcceptsAKeyOnce() {
        CacheReplayCache replay = new CacheReplayCache(caches.replay(), clock);
        Instant keep = clock.instant().plus(Duration.ofMinutes(5));
        assertThat(replay.firstUse("idp\n_a1", keep)).isTrue();
        assertThat(replay.firstUse("idp\n_a1", keep)).isFalse();
        assertThat(replay.firstUse("idp\n_a2", keep)).isTrue();
    }

    /**
     * The replay window across a restart of the store (here a node's heap caches, as across a restart of
     * Tomcat): a message used before is refused after it, because it was issued before the new store's
     * epoch; a message issued after the restart is accepted, once.
     */
    @Test
    void aMessageUsedBeforeTheStoreRestartedIsRefusedAfterItAndAFreshOneIsAccepted() throws Exception {
        Instant keep = clock.instant().plus(Duration.ofMinutes(5));
        Instant issued = clock.instant().plusSeconds(10);
        clock.advance(Duration.ofSeconds(11));
        CacheReplayCache before = new CacheReplayCache(caches.replay(), clock);
        assertThat(before.firstUse("idp\n_used", issued, keep)).as("first use").isTrue();
        assertThat(before.firstUse("idp\n_used", issued, keep)).as("replay, same store").isFalse();

        caches.close();
        clock.advance(Duration.ofSeconds(5));
        caches = Caches.start(null, clock, Duration.ofMinutes(30), getClass().getClassLoader());
        CacheReplayCache after = new CacheReplayCache(caches.replay(), clock);

        assertThat(after.epoch()).isEqualTo(Instant.parse("2026-11-27T10:00:16Z"));
        assertThatThrownBy(() -> after.firstUse("idp\n_used", issued, keep)).as("replay after the restart")
                .isInstanceOf(dev.portcullis.saml.SamlValidationException.class)
                .hasMessageContaining("issued at [2026-11-27T10:00:10Z], before the replay cache's epoch"
                        + " [2026-11-27T10:00:16Z]")
                .extracting(e -> ((dev.portcullis.saml.SamlValidationException) e).code())
                .isEqualTo(dev.portcullis.saml.SamlErrorCode.ISSUED_BEFORE_REPLAY_WINDOW);
        Instant fresh = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        assertThat(after.firstUse("idp\n_fresh", fresh, keep)).as("issued in the second the store started").isTrue();
        assertThat(after.firstUse("idp\n_fresh", fresh, keep)).as("and only once").isFalse();
        assertThatThrownBy(() -> after.firstUse("idp\n_none", null, keep)).as("no IssueInstant")
                .isInstanceOf(dev.portcullis.saml.SamlValidationException.class);
    }

    /** A store that kept its data keeps its epoch: another node, or the watch after an outage, writes none. */
    @Test
    void theEpochOfAStoreIsWrittenOnceAndNeverExpires() {
        Instant first = new CacheReplayCache(caches.replay(), clock).epoch();
        clock.advance(Duration.ofDays(3));

        assertThat(CacheReplayCache.begin(caches.replay(), clock)).isEqualTo(first);
        assertThat(caches.replay().get(CacheReplayCache.EPOCH_KEY)).isEqualTo(first.toEpochMilli());
    }

    /**
     * A store that keeps serialized copies (off-heap here; a Terracotta server or a disk tier alike) compares
     * a copy read back in {@code replace(key, old, new)}: the touch of a session in use, and the note of a
     * webapp session, must still succeed there.
     */
    @Test
    void aSessionInUseIsTouchedAlsoWhereTheStoreKeepsSerializedCopies(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path xml = dir.resolve("ehcache.xml");
        java.nio.file.Files.writeString(xml, BreakableKeys.configuration());
        try (Caches offHeap = Caches.start(xml, clock, Duration.ofMinutes(30), getClass().getClassLoader())) {
            SessionRepository repository = new SessionRepository(offHeap.sessions(),
                    new SessionIndex(offHeap.sessionIndex(), clock), ids, clock, Duration.ofMinutes(30));
            String id = repository.create(session(clock.instant().plus(Duration.ofHours(8))));

            for (int i = 1; i <= 4; i++) {
                clock.advance(Duration.ofMinutes(20));
                assertThat(repository.find(id).found()).as("used every 20 minutes, %d", i).isTrue();
            }
            SsoSession seen = repository.find(id).session();
            SsoSession noted = repository.rememberWebappSession(id, seen, "/app ABC123");
            assertThat(noted).as("noted").isNotSameAs(seen);
            assertThat(repository.find(id).session().webappSessions()).containsExactly("/app ABC123");
        }
    }

    @Test
    void sessionsRoundTripThroughTheirSerializer() {
        SsoSessionSerializer serializer = new SsoSessionSerializer();
        SsoSession original = session(clock.instant().plus(Duration.ofHours(1)));

        SsoSession copy = serializer.read(serializer.serialize(original));

        assertThat(copy.principal()).isEqualTo("alice");
        assertThat(copy.roles()).containsExactly("user", "admin");
        assertThat(copy.attributes()).isEqualTo(original.attributes());
        assertThat(copy.expiresAt()).isEqualTo(original.expiresAt());
        assertThat(copy.nameIdFormat()).isNull();
        assertThat(serializer.equals(original, serializer.serialize(original))).isTrue();
    }

    @Test
    void aDamagedEntryIsRefusedNotTrusted() {
        SsoSessionSerializer serializer = new SsoSessionSerializer();
        ByteBuffer good = serializer.serialize(session(clock.instant()));
        byte[] bytes = new byte[good.remaining()];
        good.get(bytes);

        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThatThrownBy(() -> serializer.read(ByteBuffer.wrap(truncated))).isInstanceOf(SerializerException.class);

        byte[] hugeLength = bytes.clone();
        hugeLength[1] = 0x7f;
        assertThatThrownBy(() -> serializer.read(ByteBuffer.wrap(hugeLength))).isInstanceOf(SerializerException.class);

        byte[] otherVersion = bytes.clone();
        otherVersion[0] = 9;
        assertThatThrownBy(() -> serializer.read(ByteBuffer.wrap(otherVersion))).isInstanceOf(SerializerException.class);

        byte[] javaSerialized = {(byte) 0xac, (byte) 0xed, 0, 5, 0x73, 0x72};
        assertThatThrownBy(() -> serializer.read(ByteBuffer.wrap(javaSerialized))).isInstanceOf(SerializerException.class);
    }

    @Test
    void pendingLoginsRoundTripThroughTheirSerializer() {
        PendingLoginSerializer serializer = new PendingLoginSerializer();
        PendingLogin original = new PendingLogin("/app/?a=b", clock.instant().plusSeconds(600));
        assertThat(serializer.read(serializer.serialize(original))).isEqualTo(original);
    }
}
