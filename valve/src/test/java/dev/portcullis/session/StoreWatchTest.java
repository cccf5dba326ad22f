package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.ehcache.Cache;
import org.ehcache.config.CacheRuntimeConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store watch and the caches in front of it, against a fake server that behaves as Ehcache's clustered
 * tier was measured to: a node keeps answering the copies in its heap for a while after the server has
 * gone (about 2 s after a kill, until the lease ends after a freeze), a read of a missing key goes to the
 * server, a frozen server makes a read wait for the read timeout and then answer "absent". Each test shows
 * the fake's own answer next to the watch's, so that it fails without the watch.
 */
class StoreWatchTest {

    private static final String ADDRESS = "terracotta://127.0.0.1:9410/portcullis";
    /** Read timeout 600 ms: a probe slower than 300 ms counts as no answer. */
    private static final StoreWatch.Target TARGET = new StoreWatch.Target(ADDRESS, List.of(), Duration.ofMillis(600));
    private static final Duration FRESH = Duration.ofMillis(300);

    private final FakeServer server = new FakeServer();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final OutageLog log = new OutageLog(Clock.systemUTC(), Duration.ofSeconds(60), new OutageLog.Sink() {
        @Override
        public void error(String line) {
            lines.add("ERROR " + line);
        }

        @Override
        public void warn(String line) {
            lines.add("WARN " + line);
        }
    });
    private final AtomicInteger epochs = new AtomicInteger();
    private StoreWatch watch;

    @AfterEach
    void close() {
        if (watch != null) {
            watch.close();
        }
    }

    private StoreWatch connected() {
        watch = new StoreWatch(TARGET, server::connect, log, c -> epochs.incrementAndGet(), Clock.systemUTC(), FRESH);
        watch.connectAtStart();
        assertThat(watch.answering()).isTrue();
        return watch;
    }

    private StoreCache<String> sessions() {
        return new StoreCache<>(Caches.SESSIONS, watch);
    }

    @Test
    void aCopyInTheHeapIsAnsweredWhileTheServerAnswersAndNotOnceItStopsAnswering() throws Exception {
        connected();
        StoreCache<String> sessions = sessions();
        sessions.put("alice", "session of alice");
        assertThat(sessions.get("alice")).isEqualTo("session of alice");

        server.freeze();
        Thread.sleep(FRESH.toMillis() + 300);

        assertThat(server.caches.get(Caches.SESSIONS).get("alice")).as("what the heap tier alone answers")
                .isEqualTo("session of alice");
        assertThatThrownBy(() -> sessions.get("alice")).as("what Portcullis answers")
                .isInstanceOf(StateUnavailableException.class)
                .satisfies(e -> assertThat(((StateUnavailableException) e).reason())
                        .isEqualTo("state store unreachable at " + ADDRESS));
        server.thaw();
    }

    @Test
    void aKilledServerIsSeenWithinAProbeAndThenEveryOperationFailsAtOnceWithoutReachingIt() throws Exception {
        connected();
        StoreCache<String> sessions = sessions();
        sessions.put("alice", "session of alice");

        server.kill();
        awaitTrue(() -> !watch.answering(), Duration.ofSeconds(5));
        int calls = server.calls.get();
        long started = System.nanoTime();

        assertThatThrownBy(() -> sessions.put("bob", "session of bob")).isInstanceOf(StateUnavailableException.class)
                .hasMessageContaining("the state store at " + ADDRESS + " has not answered since");
        assertThatThrownBy(() -> sessions.get("alice")).isInstanceOf(StateUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("at once").isLessThan(Duration.ofMillis(100));
        assertThat(server.calls.get()).as("operations that reached the server (probes aside)").isEqualTo(calls);
        assertThat(lines).filteredOn(line -> line.startsWith("ERROR The state store does not answer")).hasSize(1);
    }

    @Test
    void whileDownEveryCacheIsProbedSoThatEachReconnectsAndTheStoreIsUpOnceAllAnswer() throws Exception {
        connected();
        server.kill();
        awaitTrue(() -> !watch.answering(), Duration.ofSeconds(5));
        int[] before = server.caches.values().stream().mapToInt(c -> c.probed.get()).toArray();
        // Every cache is probed while down, not only the one probed while up (the first).
        awaitTrue(() -> {
            int i = 0;
            for (FakeCache cache : server.caches.values()) {
                if (cache.probed.get() <= before[i++]) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(5));

        server.restart();
        awaitTrue(() -> watch.answering() && lines.get(lines.size() - 1).contains("answers again"), Duration.ofSeconds(5));

        assertThat(epochs.get()).as("the replay epoch written at the start and again when back").isEqualTo(2);
        assertThat(lines).last().asString().startsWith("WARN The state store at " + ADDRESS + " answers again after ")
                .contains("(all 4 caches reconnected)");
        sessions().put("carol", "session of carol");
        assertThat(sessions().get("carol")).isEqualTo("session of carol");
    }

    @Test
    void aNodeStartedWithoutItsServerAnswers503UntilTheServerAppearsThenServes() throws Exception {
        server.kill();
        watch = new StoreWatch(TARGET, server::connect, log, c -> epochs.incrementAndGet(), Clock.systemUTC(), FRESH);
        watch.connectAtStart();

        assertThat(watch.answering()).isFalse();
        assertThatThrownBy(() -> sessions().get("alice")).isInstanceOf(StateUnavailableException.class)
                .hasMessageContaining("not connected to the state store at " + ADDRESS);
        assertThat(lines).singleElement().asString().startsWith("ERROR The state store does not answer: Portcullis cannot"
                + " reach its state store at " + ADDRESS + " (ConnectException: Connection refused)")
                .contains("start the Terracotta server before the Tomcat nodes");

        server.restart();
        awaitTrue(() -> watch.answering() && lines.get(lines.size() - 1).contains("answers again"), Duration.ofSeconds(5));
        sessions().put("alice", "session of alice");
        assertThat(sessions().get("alice")).isEqualTo("session of alice");
        assertThat(lines).last().asString().contains("answers again");
    }

    @Test
    void aServerThatRefusesTheCachesFailsTheStart() {
        server.refuse = true;
        watch = new StoreWatch(TARGET, server::connect, log, c -> epochs.incrementAndGet(), Clock.systemUTC(), FRESH);

        assertThatThrownBy(watch::connectAtStart).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no offheap resource [main]");
    }

    @Test
    void theTargetIsReadFromTheShippedFormsOfTheConfiguration() {
        StoreWatch.Target url = StoreWatch.Target.parse("<tc:connection url=\"terracotta://10.0.0.1:9510,10.0.0.2/app\"/>"
                + "<tc:read-timeout unit=\"millis\">800</tc:read-timeout>", "fallback");
        assertThat(url.address()).isEqualTo("terracotta://10.0.0.1:9510,10.0.0.2/app");
        assertThat(url.servers()).extracting(a -> a.getHostString() + ":" + a.getPort())
                .containsExactly("10.0.0.1:9510", "10.0.0.2:9410");
        assertThat(url.readTimeout()).isEqualTo(Duration.ofMillis(800));
        assertThat(url.probeTimeout()).as("half the read timeout").isEqualTo(Duration.ofMillis(400));

        StoreWatch.Target servers = StoreWatch.Target.parse("<cluster-connection cluster-tier-manager=\"app\">"
                + "<server host=\"tc1\" port=\"9411\"/><server host=\"tc2\"/></cluster-connection>", "fallback");
        assertThat(servers.address()).isEqualTo("terracotta://tc1:9411,tc2:9410/app");
        assertThat(servers.readTimeout()).as("Ehcache's default").isEqualTo(Duration.ofSeconds(5));
        assertThat(servers.probeTimeout()).as("at most 2 s").isEqualTo(Duration.ofSeconds(2));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The server and one node's view of it: four caches whose heap copies outlive the connection. */
    private static final class FakeServer {
        enum State { UP, DOWN, FROZEN }

        volatile State state = State.UP;
        volatile boolean refuse;
        /** Operations that reached the server, probes aside. */
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger probes = new AtomicInteger();
        final Map<String, FakeCache> caches = new LinkedHashMap<>();

        StoreWatch.Connected connect() {
            if (state != State.UP) {
                throw new IllegalStateException("cannot connect", new java.net.ConnectException("Connection refused"));
            }
            if (refuse) {
                throw new IllegalStateException("no offheap resource [main] on the server");
            }
            caches.clear();
            Map<String, Cache<String, ?>> made = new LinkedHashMap<>();
            for (String name : List.of(Caches.SESSIONS, Caches.PENDING_LOGINS, Caches.REPLAY, Caches.SESSION_INDEX)) {
                FakeCache cache = new FakeCache(this, name);
                caches.put(name, cache);
                made.put(name, cache);
            }
            return new StoreWatch.Connected(() -> { }, made);
        }

        void kill() {
            state = State.DOWN;
        }

        void freeze() {
            state = State.FROZEN;
        }

        void thaw() {
            state = State.UP;
        }

        /** Back, empty, on the same connection (as a reconnecting Ehcache cache sees it). */
        void restart() {
            caches.values().forEach(c -> {
                c.server.clear();
                c.heap.clear();
            });
            state = State.UP;
        }

        /** Waits as a read does on a frozen server until its timeout, then says "absent". */
        boolean reachable() {
            if (state == State.FROZEN) {
                try {
                    Thread.sleep(TARGET.readTimeout().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            if (state == State.DOWN) {
                throw new StateUnavailableException("?", "?", ADDRESS,
                        new IllegalStateException("lost", new java.net.ConnectException("Connection refused")));
            }
            return true;
        }
    }

    /** A clustered cache with a heap tier: copies answered locally, everything else at the server. */
    private static final class FakeCache implements Cache<String, String> {
        final FakeServer owner;
        final String name;
        final Map<String, String> server = new ConcurrentHashMap<>();
        final Map<String, String> heap = new ConcurrentHashMap<>();
        final AtomicInteger probed = new AtomicInteger();

        FakeCache(FakeServer owner, String name) {
            this.owner = owner;
            this.name = name;
        }

        @Override
        public String get(String key) {
            if (StoreWatch.PROBE_KEY.equals(key)) {
                probed.incrementAndGet();
                owner.probes.incrementAndGet();
            }
            String copy = heap.get(key);
            if (copy != null) {
                return copy;
            }
            if (!StoreWatch.PROBE_KEY.equals(key)) {
                owner.calls.incrementAndGet();
            }
            if (!owner.reachable()) {
                return null;
            }
            String value = server.get(key);
            if (value != null) {
                heap.put(key, value);
            }
            return value;
        }

        @Override
        public void put(String key, String value) {
            owner.calls.incrementAndGet();
            owner.reachable();
            server.put(key, value);
            heap.remove(key);
        }

        @Override
        public String putIfAbsent(String key, String value) {
            owner.calls.incrementAndGet();
            owner.reachable();
            return server.putIfAbsent(key, value);
        }

        @Override
        public boolean containsKey(String key) {
            return get(key) != null;
        }

        @Override
        public void remove(String key) {
            owner.calls.incrementAndGet();
            owner.reachable();
            server.remove(key);
            heap.remove(key);
        }

        @Override
        public boolean remove(String key, String value) {
            owner.calls.incrementAndGet();
            owner.reachable();
            heap.remove(key);
            return server.remove(key, value);
        }

        @Override
        public String replace(String key, String value) {
            owner.calls.incrementAndGet();
            owner.reachable();
            heap.remove(key);
            return server.replace(key, value);
        }

        @Override
        public boolean replace(String key, String oldValue, String newValue) {
            owner.calls.incrementAndGet();
            owner.reachable();
            heap.remove(key);
            return server.replace(key, oldValue, newValue);
        }

        @Override
        public Map<String, String> getAll(Set<? extends String> keys) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putAll(Map<? extends String, ? extends String> entries) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeAll(Set<? extends String> keys) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void clear() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CacheRuntimeConfiguration<String, String> getRuntimeConfiguration() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Iterator<Entry<String, String>> iterator() {
            throw new UnsupportedOperationException();
        }
    }
}
