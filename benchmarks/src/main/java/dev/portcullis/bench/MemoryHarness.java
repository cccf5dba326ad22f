package dev.portcullis.bench;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.portcullis.config.RoleMapper;
import dev.portcullis.saml.AlgorithmPolicy;
import dev.portcullis.saml.IdpMetadata;
import dev.portcullis.saml.ResponseValidator;
import dev.portcullis.saml.SamlConstants;
import dev.portcullis.saml.SecureXml;
import dev.portcullis.saml.ValidatedAssertion;
import dev.portcullis.session.CacheReplayCache;
import dev.portcullis.session.Caches;
import dev.portcullis.session.PendingLoginStore;
import dev.portcullis.session.RelayStates;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SessionRepository;
import dev.portcullis.session.SsoSession;
import dev.portcullis.testkit.TestCredentials;

/**
 * Heap measurements with GC-settled deltas (several full collections, then the used heap), in a JVM of
 * its own. Run with a fixed heap, e.g. {@code -Xms2g -Xmx2g}:
 * <ul>
 *   <li>{@code sessions N}: N signed-in sessions with the typical profile (10 attributes, 5 roles) as the
 *       valve creates them: each from a real validation of the benchmark Response (so every string is a
 *       fresh object, as after a real sign-in), mapped like SamlProfileCreator does, stored by
 *       SessionRepository in the valve's Ehcache session cache (default built-in configuration). Prints
 *       bytes per session for the session object graph alone, for the key and cache entry, and in total.</li>
 *   <li>{@code flood N}: N unauthenticated requests' worth of pending logins (what the valve records for
 *       each one before redirecting to the IdP) into the valve's pending-login cache (default limit
 *       50,000 entries), with the GC-settled heap every N/10; legitimate logins started before and
 *       during the flood are then looked up as the ACS does ({@code PendingLoginStore.signIn}).</li>
 * </ul>
 * Output lines are {@code key=value}, read by scripts/benchmarks.sh.
 */
public final class MemoryHarness {

    private MemoryHarness() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "sessions";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
        switch (mode) {
            case "sessions" -> sessions(n);
            case "flood" -> flood(n);
            default -> throw new IllegalArgumentException("mode: sessions | flood");
        }
    }

    static long settledHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ------------------------------------------------------------------ sessions

    static void sessions(int n) throws Exception {
        Clock clock = Clock.systemUTC();
        TestCredentials idpKey = TestCredentials.rsa("idp.example.org");
        Duration idle = Duration.ofMinutes(30);
        try (Caches caches = Caches.start(null, clock, idle, MemoryHarness.class.getClassLoader())) {
            CacheReplayCache replay = new CacheReplayCache(caches.replay(), clock);
            ResponseValidator validator = Fixtures.validator(idpKey, replay, clock);
            RoleMapper roles = new RoleMapper(List.of("roles"), Map.of());
            SessionRepository repository = new SessionRepository(caches.sessions(), new SessionIds(new SecureRandom()),
                    clock, idle);
            String message = Base64.getEncoder().encodeToString(
                    Fixtures.signedBytes(idpKey, Instant.now(), AcsBenchmark.REQUEST_ID));

            // Warm up every code path (and let the caches allocate their internals) before the baseline.
            List<SsoSession> warm = newSessions(2_000, validator, caches, roles, clock, message);
            warm.forEach(repository::create);
            warm = null;

            long before = settledHeap();
            List<SsoSession> held = newSessions(n, validator, caches, roles, clock, message);
            long afterObjects = settledHeap();
            for (SsoSession session : held) {
                repository.create(session);
            }
            long afterCache = settledHeap();
            held = null;
            long afterDrop = settledHeap();
            System.out.printf("sessions=%d%n", n);
            System.out.printf("session_graph_bytes=%.0f%n", (afterObjects - before) / (double) n);
            System.out.printf("cache_entry_bytes=%.0f%n", (afterCache - afterObjects) / (double) n);
            System.out.printf("bytes_per_session=%.0f%n", (afterDrop - before) / (double) n);
            System.out.printf("cache_entries=%d%n", count(caches.sessions()));
            footprint(newSessions(1, validator, caches, roles, clock, message).get(0));
        }
    }

    private static List<SsoSession> newSessions(int n, ResponseValidator validator, Caches caches, RoleMapper roles,
                                                Clock clock, String message) throws Exception {
        List<SsoSession> out = new ArrayList<>(n);
        var replayCache = caches.replay();
        for (int i = 0; i < n; i++) {
            ValidatedAssertion a = validator.validate(message, AcsBenchmark.REQUEST_ID);
            replayCache.remove(SessionIds.hash(Fixtures.IDP + "\n" + a.assertionId()));
            Instant now = clock.instant();
            Instant expiresAt = now.plus(Duration.ofHours(8));
            if (a.sessionNotOnOrAfter() != null && a.sessionNotOnOrAfter().isBefore(expiresAt)) {
                expiresAt = a.sessionNotOnOrAfter();
            }
            // As SamlProfileCreator builds it (NameID as principal, roles from the "roles" attribute).
            out.add(new SsoSession(a.nameId(), roles.roles(a.attributes()), a.attributes(), a.issuer(), a.nameId(),
                    a.nameIdFormat(), a.nameQualifier(), a.spNameQualifier(), a.sessionIndex(),
                    a.authnContextClassRef(), a.authnInstant(), now, now, expiresAt));
        }
        return out;
    }

    /**
     * Where one session's bytes go, by class (JOL). The graph includes the values every session shares
     * (canonical attribute names, role values, formats): counted in full here, paid once per valve.
     * Attributes are not read through {@code attributes()}, which decodes them into new objects.
     */
    private static void footprint(SsoSession session) {
        org.openjdk.jol.info.GraphLayout layout = org.openjdk.jol.info.GraphLayout.parseInstance(session);
        System.out.printf("jol_session_total_bytes_shared_values_included=%d%n", layout.totalSize());
        System.out.printf("serialized_session_bytes=%d%n",
                new dev.portcullis.session.SsoSessionSerializer().serialize(session).remaining());
        for (String line : layout.toFootprint().split("\n")) {
            System.out.println("jol| " + line);
        }
    }

    private static int count(Iterable<?> cache) {
        int count = 0;
        for (Object ignored : cache) {
            count++;
        }
        return count;
    }

    // ------------------------------------------------------------------ flood

    static void flood(int n) throws Exception {
        Clock clock = Clock.systemUTC();
        try (Caches caches = Caches.start(null, clock, Duration.ofMinutes(30), MemoryHarness.class.getClassLoader())) {
            RelayStates relayStates = new RelayStates(RelayStates.keyFrom(null, new SecureRandom()), new SecureRandom(),
                    clock, Duration.ofMinutes(10), new CacheReplayCache(caches.replay(), clock));
            PendingLoginStore store = new PendingLoginStore(caches.pendingLogins(), relayStates);
            long before = settledHeap();
            System.out.printf("flood_requests=%d%n", n);
            System.out.printf("heap_before_bytes=%d%n", before);

            // Legitimate sign-ins started before the flood and at points during it, named by how many flood
            // requests came after them; each is looked up at the end, as its ACS post would.
            int[] after = {n, n / 2, 200_000, 100_000, 75_000, 60_000, 50_000, 40_000, 25_000, 10_000, 1_000};
            Map<Integer, RelayStates.Handle> legit = new LinkedHashMap<>();
            long peak = 0;
            long started = System.nanoTime();
            int step = Math.max(1, n / 10);
            for (int i = 0; i <= n; i++) {
                for (int a : after) {
                    if (a <= n && i == n - a && !legit.containsKey(a)) {
                        legit.put(a, store.startSignIn(RelayStates.Purpose.SIGN_IN, "/app/account?tab=" + a));
                    }
                }
                if (i == n) {
                    break;
                }
                store.startSignIn(RelayStates.Purpose.SIGN_IN, "/app/page?q=" + i);
                if ((i + 1) % step == 0) {
                    long elapsed = System.nanoTime() - started;
                    long heap = settledHeap();
                    peak = Math.max(peak, heap);
                    System.out.printf("flood_progress=%d heap_bytes=%d entries=%d%n", i + 1, heap,
                            count(caches.pendingLogins()));
                    started += System.nanoTime() - started - elapsed; // exclude the GC pauses from the rate
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("flood_creates_per_second=%.0f%n", n / seconds);
            System.out.printf("heap_peak_settled_bytes=%d%n", peak);
            System.out.printf("heap_growth_bytes=%d%n", peak - before);
            System.out.printf("pending_entries_at_end=%d%n", count(caches.pendingLogins()));
            // As the ACS does: the RelayState must name a sign-in whose request ID is the one the IdP answers
            // (InResponseTo); the remembered URL only decides where the user lands.
            for (Map.Entry<Integer, RelayStates.Handle> e : legit.entrySet()) {
                PendingLoginStore.SignIn found = store.signIn(e.getValue().value()).orElse(null);
                boolean completes = found != null && found.handle().messageId().equals(e.getValue().messageId());
                System.out.printf("legit_login_followed_by=%d completes=%s lands_on_requested_page=%s%n", e.getKey(),
                        completes, found != null && found.originalUrl() != null);
            }
        }
    }
}
