package dev.portcullis.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.ehcache.Cache;

/**
 * One node's view of a clustered state store (a Terracotta server), kept true by a daemon thread, for the
 * caches in front of it ({@link StoreCache}):
 * <ul>
 *   <li><b>Connecting.</b> At start the caches are created on the server; when the server does not answer,
 *       the node starts anyway and every request that needs the state gets 503, while this thread tries
 *       again every {@link #CONNECT_RETRY} (a TCP connect first, so a missing server costs nothing) and
 *       serves as soon as the server is there: no restart, and the start order of Tomcat and Terracotta
 *       does not matter.</li>
 *   <li><b>Probing.</b> Every {@link #PROBE_INTERVAL} it reads a key that is never stored, a round trip to
 *       the server. The sessions cache keeps a copy of what it read in the node's heap (the near cache of
 *       conf/ehcache-cluster.xml), which Ehcache's STRONG consistency invalidates before any other node's
 *       write returns; but a copy it still holds when the connection is lost stays readable until Ehcache
 *       notices (about 2 s after a kill, until the lease runs out after a freeze; measured). So a read is
 *       only answered while a probe that started less than {@link #FRESH} ago has been answered
 *       ({@link #requireFresh}); otherwise the reading thread probes itself, and the read fails if the
 *       server does not answer.</li>
 *   <li><b>Down and back.</b> A failed or slow probe (or a cache operation failing for the connection)
 *       marks the store down: every operation of every cache fails at once with
 *       {@link StateUnavailableException} (503), instead of each request waiting for its own timeout. While
 *       down, every cache is probed every {@link #DOWN_PROBE_INTERVAL}, in parallel, which is what makes
 *       Ehcache reconnect each one (it does so only when an operation finds the connection closed); when all
 *       of them answer, the new store gets its replay epoch ({@link CacheReplayCache#begin}) and the store
 *       counts as up again.</li>
 * </ul>
 * Security decision (the near cache): a session copy is answered only within {@link #FRESH} of an answer
 * from the server. A logout on another node cannot complete while this node holds the session and is
 * connected (STRONG waits for this node's invalidation), and the server only stops waiting for a node
 * whose lease has expired, at least two thirds of client-lease-duration after its last renewal; FRESH
 * (1 s) is shorter than that for any lease of 2 s or more (5 s in the tests, 150 s by default). So no
 * copy is ever answered after a logout completed elsewhere, and a node that cannot reach the server stops
 * answering from copies within FRESH. Thread-safe.
 */
final class StoreWatch implements AutoCloseable {

    /** How often the server is probed while it answers. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    /** How long after an answer from the server a copy in the node's heap may be answered. */
    static final Duration FRESH = Duration.ofSeconds(1);
    /** How often every cache is probed while the store is down. */
    static final Duration DOWN_PROBE_INTERVAL = Duration.ofMillis(250);
    /** How often a node that never reached the server tries again. */
    static final Duration CONNECT_RETRY = Duration.ofSeconds(1);
    /** A probe slower than this counts as no answer (at most half the read timeout: see {@link Target}). */
    static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** The key every probe reads: never written, so never in a heap tier, always a round trip. */
    static final String PROBE_KEY = "portcullis-probe";

    private static final Logger LOG = LogManager.getLogger(StoreWatch.class);

    /** Creates the caches on the server: a new CacheManager, initialised, and every cache by name. */
    @FunctionalInterface
    interface Connector {
        Connected connect();
    }

    /** A CacheManager connected to the server, and its caches by name (the first one is probed while up). */
    record Connected(AutoCloseable manager, Map<String, Cache<String, ?>> caches) {
    }

    /**
     * Where the store is, read from the ehcache.xml: its address for messages, its servers for the TCP
     * check, and Ehcache's read timeout (a timed-out read answers "absent", so a probe must be judged by
     * its duration, under that timeout).
     */
    record Target(String address, List<InetSocketAddress> servers, Duration readTimeout) {

        private static final Pattern URL = Pattern.compile("<(?:[\\w.-]+:)?connection\\s+url\\s*=\\s*\"([^\"]+)\"");
        private static final Pattern SERVER = Pattern.compile(
                "<(?:[\\w.-]+:)?server\\s+host\\s*=\\s*\"([^\"]+)\"(?:\\s+port\\s*=\\s*\"(\\d+)\")?");
        private static final Pattern TIER_MANAGER = Pattern.compile("cluster-tier-manager\\s*=\\s*\"([^\"]+)\"");
        private static final Pattern READ_TIMEOUT = Pattern.compile(
                "<(?:[\\w.-]+:)?read-timeout(?:\\s+unit\\s*=\\s*\"(\\w+)\")?\\s*>\\s*(\\d+)\\s*<");
        private static final int DEFAULT_PORT = 9410;
        private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

        /** Reads an ehcache.xml with a clustered tier; the address falls back to the file's name. */
        static Target parse(String xml, String fallback) {
            List<InetSocketAddress> servers = new ArrayList<>();
            String address = fallback;
            Matcher url = URL.matcher(xml);
            if (url.find()) {
                address = url.group(1).strip();
                try {
                    URI uri = URI.create(address);
                    String authority = uri.getRawAuthority();
                    for (String server : authority == null ? new String[0] : authority.split(",")) {
                        servers.add(server(server.strip()));
                    }
                } catch (IllegalArgumentException e) {
                    servers.clear();
                }
            } else {
                Matcher server = SERVER.matcher(xml);
                StringBuilder list = new StringBuilder();
                while (server.find()) {
                    int port = server.group(2) == null ? DEFAULT_PORT : Integer.parseInt(server.group(2));
                    servers.add(InetSocketAddress.createUnresolved(server.group(1), port));
                    list.append(list.length() == 0 ? "" : ",").append(server.group(1)).append(':').append(port);
                }
                Matcher manager = TIER_MANAGER.matcher(xml);
                if (list.length() > 0) {
                    address = "terracotta://" + list + "/" + (manager.find() ? manager.group(1) : "");
                }
            }
            Duration readTimeout = DEFAULT_READ_TIMEOUT;
            Matcher timeout = READ_TIMEOUT.matcher(xml);
            if (timeout.find()) {
                long amount = Long.parseLong(timeout.group(2));
                String unit = timeout.group(1) == null ? "seconds" : timeout.group(1).toLowerCase(Locale.ROOT);
                readTimeout = switch (unit) {
                    case "nanos" -> Duration.ofNanos(amount);
                    case "micros" -> Duration.ofNanos(amount * 1000);
                    case "millis" -> Duration.ofMillis(amount);
                    case "minutes" -> Duration.ofMinutes(amount);
                    case "hours" -> Duration.ofHours(amount);
                    case "days" -> Duration.ofDays(amount);
                    default -> Duration.ofSeconds(amount);
                };
            }
            return new Target(address, List.copyOf(servers), readTimeout);
        }

        private static InetSocketAddress server(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            if (colon > 0 && hostPort.indexOf(']') < colon) {
                String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
                return InetSocketAddress.createUnresolved(host, Integer.parseInt(hostPort.substring(colon + 1)));
            }
            return InetSocketAddress.createUnresolved(hostPort.replace("[", "").replace("]", ""), DEFAULT_PORT);
        }

        /** A probe slower than this counts as no answer: below the read timeout, after which a read says "absent". */
        Duration probeTimeout() {
            Duration half = readTimeout.dividedBy(2);
            return half.compareTo(MAX_PROBE_TIMEOUT) < 0 ? half : MAX_PROBE_TIMEOUT;
        }
    }

    private final Target target;
    private final Connector connector;
    private final OutageLog log;
    private final Consumer<Connected> onAnswering;
    private final Clock clock;
    private final long freshNanos;
    private final long probeTimeoutNanos;
    private final Thread thread;
    private final ExecutorService probes;

    private volatile Connected connected;
    /** System.nanoTime() at the start of the last probe the server answered in time. */
    private volatile long lastAnswer;
    /** When the background probe in flight started, or 0. */
    private volatile long probing;
    /** Why the store counts as down, or null while it answers. */
    private volatile StateUnavailableException down;
    private volatile long downSince;
    /** When the store last came back (nanoTime): failures of operations begun earlier are old news. */
    private volatile long upSince;
    private volatile boolean closed;
    private final Instant started;
    /** Notified when the background probe ends. */
    private final Object probeEnded = new Object();

    StoreWatch(Target target, Connector connector, OutageLog log, Consumer<Connected> onAnswering, Clock clock) {
        this(target, connector, log, onAnswering, clock, FRESH);
    }

    StoreWatch(Target target, Connector connector, OutageLog log, Consumer<Connected> onAnswering, Clock clock,
               Duration fresh) {
        this.target = target;
        this.connector = connector;
        this.log = log;
        this.onAnswering = onAnswering;
        this.clock = clock;
        this.freshNanos = fresh.toNanos();
        this.probeTimeoutNanos = target.probeTimeout().toNanos();
        this.started = clock.instant();
        this.thread = new Thread(this::run, "portcullis-store-watch");
        this.thread.setDaemon(true);
        this.probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "portcullis-store-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** The store's address, as operators wrote it in ehcache.xml. */
    String address() {
        return target.address();
    }

    /**
     * The first connection, on the starting thread. When the server does not answer, the node starts
     * anyway (503 until it does) and says so in one line naming the address.
     *
     * @throws RuntimeException what the connector threw when it is not about reaching the server (the
     *                          server refused the configuration): the start fails
     */
    void connectAtStart() {
        if (!serverListening()) {
            notReachable("connection refused");
        } else {
            try {
                connect();
            } catch (RuntimeException e) {
                if (!StateUnavailableException.isConnectionFailure(e)) {
                    throw e;
                }
                notReachable(StateUnavailableException.rootCause(e));
            }
        }
        thread.start();
    }

    private void notReachable(String cause) {
        String reason = StateUnavailableException.unreachable(target.address());
        down = new StateUnavailableException("*", "connect", reason, "not connected to the state store at "
                + target.address() + " since this node started at " + started + ": " + cause);
        downSince = System.nanoTime();
        log.storeDown(reason, "Portcullis cannot reach its state store at " + target.address() + " (" + cause
                + "). Portcullis tries again every " + CONNECT_RETRY.toSeconds() + " s and serves as soon as it answers"
                + " (start the Terracotta server before the Tomcat nodes)");
    }

    /** Creates the caches on the server and gives a new store its replay epoch; closes what it made on failure. */
    private void connect() {
        Connected fresh = connector.connect();
        try {
            if (closed) {
                throw new IllegalStateException("closed while connecting");
            }
            connected(fresh);
        } catch (RuntimeException e) {
            close(fresh);
            throw e;
        }
    }

    private void connected(Connected fresh) {
        onAnswering.accept(fresh);
        long now = System.nanoTime();
        lastAnswer = now;
        upSince = now;
        connected = fresh;
        StateUnavailableException was = down;
        down = null;
        if (was != null) {
            log.storeBack(target.address(), Duration.ofNanos(now - downSince), ": connected, the caches are on the server");
        }
    }

    /**
     * The cache to run an operation on, or a {@link StateUnavailableException} at once when the store is not
     * connected yet or known to be down.
     */
    Cache<String, ?> admit(String cache, String operation) {
        StateUnavailableException why = down;
        Connected current = connected;
        if (why != null || current == null) {
            throw outage(cache, operation, why);
        }
        return current.caches().get(cache);
    }

    private StateUnavailableException outage(String cache, String operation, StateUnavailableException why) {
        if (why == null) {
            return new StateUnavailableException(cache, operation, StateUnavailableException.unreachable(target.address()),
                    "not connected to the state store at " + target.address() + " yet");
        }
        String detail = why.getMessage();
        int cause = detail.indexOf(" failed: ");
        return new StateUnavailableException(cache, operation, why.reason(), "the state store at " + target.address()
                + " has not answered since " + Instant.now(clock).minusNanos(System.nanoTime() - downSince)
                + (cause < 0 ? "" : " (" + detail.substring(cause + 9) + ")"));
    }

    /**
     * After a read that may have been answered from the node's heap: passes only when the server has
     * answered a probe that started less than {@link #FRESH} ago, probing now on this thread if the
     * background probe is late; otherwise throws, and the copy is never used.
     */
    void requireFresh(String cache, String operation) {
        StateUnavailableException why = down;
        if (why != null) {
            throw outage(cache, operation, why);
        }
        long now = System.nanoTime();
        if (now - lastAnswer < freshNanos) {
            return;
        }
        long inFlight = probing;
        if (inFlight != 0) {
            // The background probe is under way: its answer decides, within the probe timeout.
            awaitProbe(inFlight);
            if (lastAnswer - inFlight >= 0) {
                return;
            }
            if (down != null) {
                throw outage(cache, operation, down);
            }
            if (probing == inFlight) {
                markDown(new StateUnavailableException(cache, operation, StateUnavailableException.unreachable(target.address()),
                        "the state store at " + target.address() + " did not answer a probe within "
                                + Duration.ofNanos(probeTimeoutNanos).toMillis() + " ms"), System.nanoTime());
                throw outage(cache, operation, down);
            }
        }
        Connected current = connected;
        if (current == null) {
            throw outage(cache, operation, null);
        }
        String first = current.caches().keySet().iterator().next();
        if (!probe(first, current.caches().get(first), false)) {
            throw outage(cache, operation, down);
        }
    }

    /** Waits until the background probe that started at {@code inFlight} has ended, at most until its timeout. */
    private void awaitProbe(long inFlight) {
        long deadline = inFlight + probeTimeoutNanos;
        synchronized (probeEnded) {
            long left;
            while (probing == inFlight && (left = deadline - System.nanoTime()) > 0) {
                try {
                    probeEnded.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** An operation of a cache failed; when it is about the connection, the store is down for everyone. */
    void failed(StateUnavailableException e, long operationStarted) {
        if (StateUnavailableException.unreachable(target.address()).equals(e.reason())
                && operationStarted - upSince > 0) {
            markDown(e, System.nanoTime());
        }
    }

    private synchronized void markDown(StateUnavailableException e, long now) {
        if (down == null && connected != null) {
            downSince = now;
            down = e;
            log.storeDown(e.reason(), "the state store at " + target.address() + " failed: " + e.getMessage());
        }
    }

    /** Whether the store answers (for a readiness check): connected, and not known to be down. */
    boolean answering() {
        return connected != null && down == null;
    }

    /**
     * Reads {@link #PROBE_KEY}; true when the server answered in time. A failure or a slow answer marks the
     * store down (the read itself may answer "absent" on a timeout, so the duration decides).
     */
    private boolean probe(String name, Cache<String, ?> cache, boolean background) {
        long start = System.nanoTime();
        if (background) {
            probing = start;
        }
        try {
            try {
                cache.get(PROBE_KEY);
            } catch (StateUnavailableException e) {
                markDown(e, System.nanoTime());
                return false;
            } catch (RuntimeException e) {
                markDown(new StateUnavailableException(name, "get", target.address(), e), System.nanoTime());
                return false;
            }
            long took = System.nanoTime() - start;
            if (took >= probeTimeoutNanos) {
                markDown(new StateUnavailableException(name, "get", StateUnavailableException.unreachable(target.address()),
                        "the state store at " + target.address() + " took " + Duration.ofNanos(took).toMillis()
                                + " ms to answer a probe"), System.nanoTime());
                return false;
            }
            if (start - lastAnswer > 0) {
                lastAnswer = start;
            }
            return true;
        } finally {
            // After the outcome is recorded, so that a reader waiting for this probe sees it (awaitProbe).
            if (background) {
                synchronized (probeEnded) {
                    probing = 0;
                    probeEnded.notifyAll();
                }
            }
        }
    }

    private void run() {
        while (!closed) {
            try {
                Connected current = connected;
                if (current == null) {
                    tryToConnect();
                    pause(CONNECT_RETRY);
                } else if (down == null) {
                    Map.Entry<String, Cache<String, ?>> first = current.caches().entrySet().iterator().next();
                    probe(first.getKey(), first.getValue(), true);
                    pause(PROBE_INTERVAL);
                } else {
                    probeEveryCache(current);
                    pause(DOWN_PROBE_INTERVAL);
                }
                log.tick();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                if (closed) {
                    return;
                }
                // Never let the watch die: without it a down store would never count as up again.
                LOG.error("The state store watch failed and goes on: {}", StateUnavailableException.rootCause(e));
                try {
                    pause(CONNECT_RETRY);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void tryToConnect() {
        if (!serverListening()) {
            return;
        }
        try {
            connect();
        } catch (RuntimeException e) {
            if (!closed && !StateUnavailableException.isConnectionFailure(e)) {
                log.storeDown("state store " + target.address() + " refused the caches",
                        "the state store at " + target.address() + " answers but the caches cannot be created on it: "
                                + StateUnavailableException.rootCause(e));
            }
        }
    }

    /**
     * Probes every cache at once (each probe starts that cache's reconnection in Ehcache); when all of them
     * answer, the store is up again.
     */
    private void probeEveryCache(Connected current) throws InterruptedException {
        long round = System.nanoTime();
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        for (Map.Entry<String, Cache<String, ?>> cache : current.caches().entrySet()) {
            answers.add(CompletableFuture.supplyAsync(() -> probeQuietly(cache.getKey(), cache.getValue()), probes));
        }
        boolean all = true;
        for (CompletableFuture<Boolean> answer : answers) {
            try {
                all &= answer.get(target.readTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                all = false;
            }
        }
        if (!all) {
            return;
        }
        try {
            onAnswering.accept(current);
        } catch (RuntimeException e) {
            return;
        }
        synchronized (this) {
            lastAnswer = round;
            upSince = System.nanoTime();
            down = null;
        }
        log.storeBack(target.address(), Duration.ofNanos(System.nanoTime() - downSince),
                " (all " + current.caches().size() + " caches reconnected)");
    }

    /** A probe while down: only whether it was answered in time; the store is down already. */
    private boolean probeQuietly(String name, Cache<String, ?> cache) {
        long start = System.nanoTime();
        try {
            cache.get(PROBE_KEY);
        } catch (RuntimeException e) {
            return false;
        }
        return System.nanoTime() - start < probeTimeoutNanos;
    }

    private boolean serverListening() {
        if (target.servers().isEmpty()) {
            return true;
        }
        for (InetSocketAddress server : target.servers()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(server.getHostString(), server.getPort()), 1000);
                return true;
            } catch (IOException | IllegalArgumentException | SecurityException e) {
                // the next server, if any
            }
        }
        return false;
    }

    private static void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis());
    }

    /** Stops the thread and closes the CacheManager (which waits for a server it cannot reach). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probes.shutdownNow();
        Connected current = connected;
        connected = null;
        if (current != null) {
            close(current);
        }
    }

    private static void close(Connected connection) {
        try {
            connection.manager().close();
        } catch (Exception e) {
            LOG.warn("Closing the caches failed: {}", StateUnavailableException.rootCause(e));
        }
    }

    /** For tests: the caches by name in creation order, once connected. */
    Map<String, Cache<String, ?>> caches() {
        Connected current = connected;
        return current == null ? Map.of() : new LinkedHashMap<>(current.caches());
    }
}
